/** The address rules live in images/ beside the safe URL fetch that applies them. */
export { isPrivateAddress } from '../images/address-policy.js';
