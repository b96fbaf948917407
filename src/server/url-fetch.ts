/** The safe URL fetch lives in images/ (the CLI's `glimpse alt` uses it below the server); the server imports it here. */
export { fetchUrlSafely, type UrlFetchOptions } from '../images/url-fetch.js';
