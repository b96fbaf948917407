/**
 * One image: the photo with its objects drawn as boxes, caption, description, alt text to copy, tags, text found,
 * EXIF, provenance, and forms to edit the caption and tags or ask a question (the browser script sends those).
 */
import type { ImageDetails, SearchResult } from '../types.js';
import { snippetParts, whyText } from './client/format.js';
import { Layout } from './layout.js';
import { QuestionForm, ResultCard } from './search-page.js';

/** Formats browsers show directly; others (HEIC, TIFF) are shown by their thumbnail. */
const BROWSER_FORMATS = new Set(['jpeg', 'jpg', 'png', 'webp', 'gif', 'avif']);

export function ImagePage(props: {
  image: ImageDetails;
  similar: SearchResult[] | null;
  /** The search the page was opened from, and the image's result in it (null: not among the first results). */
  match?: { query: string; result: SearchResult | null } | null;
}) {
  const { match } = props;
  const { image } = props;
  const description = image.description;
  // A person's caption is the alt text: the generated one may contradict it.
  const alt = image.userEdits?.caption || (description?.alt ?? image.caption ?? image.fileName);
  const boxes = (description?.objects ?? []).filter((object) => object.box);
  const photoUrl = BROWSER_FORMATS.has((image.format ?? '').toLowerCase())
    ? `/api/v1/images/${image.id}/file`
    : `/api/v1/images/${image.id}/thumbnail`;
  return (
    <Layout title={image.caption ?? image.fileName} page="image">
      <div class="image-page" data-image-id={String(image.id)}>
        <figure class="photo">
          <div class="photo-frame">
            <img src={photoUrl} alt={alt} width={image.width ?? undefined} height={image.height ?? undefined} />
            {boxes.length ? (
              <svg class="boxes" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
                {boxes.map((object) => (
                  <rect
                    x={object.box!.x}
                    y={object.box!.y}
                    width={object.box!.width}
                    height={object.box!.height}
                    vector-effect="non-scaling-stroke"
                  >
                    <title>{object.label}</title>
                  </rect>
                ))}
              </svg>
            ) : null}
          </div>
          <figcaption>
            <a href={`/api/v1/images/${image.id}/file`}>{image.fileName}</a>
            {image.width && image.height ? ` · ${image.width}×${image.height}` : ''}
          </figcaption>
          {boxes.length ? (
            <label class="checkbox">
              <input type="checkbox" id="show-boxes" checked /> Show object boxes
            </label>
          ) : null}
        </figure>

        <div class="facts">
          <h1 id="caption">{image.caption ?? image.fileName}</h1>
          {image.userEdits?.caption ? <p class="note">Your caption (kept over generated ones).</p> : null}
          {match ? (
            <section aria-labelledby="match-heading" id="match">
              <h2 id="match-heading">Why it matched “{match.query}”</h2>
              <p id="match-why">
                {match.result
                  ? `${match.result.weaker ? 'A weaker match: ' : ''}${whyText(match.result.why)}${
                      match.result.why.coverage !== null
                        ? ` · holds ${Math.round(match.result.why.coverage * 100)}% of the query`
                        : ''
                    }`
                  : 'It is not among the first results for this search.'}
              </p>
              {match.result?.snippet ? (
                <p class="snippet">
                  {snippetParts(match.result.snippet).map((part) =>
                    part.matched ? <mark>{part.text}</mark> : part.text,
                  )}
                </p>
              ) : null}
            </section>
          ) : null}

          <section aria-labelledby="alt-heading">
            <h2 id="alt-heading">Alt text</h2>
            <p id="alt-text">{alt}</p>
            <button type="button" class="copy" data-copy-from="alt-text">
              Copy alt text
            </button>
            <span class="copy-status" role="status" aria-live="polite"></span>
          </section>

          {description?.detailed ? (
            <section aria-labelledby="detailed-heading">
              <h2 id="detailed-heading">Description</h2>
              <p>{description.detailed}</p>
            </section>
          ) : null}

          <section aria-labelledby="tags-heading">
            <h2 id="tags-heading">Tags</h2>
            <ul id="tags" class="tags">
              {image.tags.map((tag) => (
                <li>
                  <a href={`/?q=${encodeURIComponent(tag)}`}>{tag}</a>
                </li>
              ))}
            </ul>
            {image.tags.length === 0 ? <p class="muted">No tags.</p> : null}
          </section>

          {description?.objects.length ? (
            <section aria-labelledby="objects-heading">
              <h2 id="objects-heading">Objects</h2>
              <ul class="objects">
                {description.objects.map((object) => (
                  <li>
                    {object.label} <span class="muted">{Math.round(object.score * 100)}%</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          {description?.text ? (
            <section aria-labelledby="text-heading">
              <h2 id="text-heading">Text found</h2>
              <pre class="ocr">{description.text}</pre>
            </section>
          ) : null}

          {description?.safety ? (
            <section aria-labelledby="safety-heading">
              <h2 id="safety-heading">Safety</h2>
              <p>
                {description.safety.flagged ? 'Flagged: ' : ''}
                {description.safety.description}
              </p>
            </section>
          ) : null}

          <section aria-labelledby="ask-heading">
            <h2 id="ask-heading">Ask a question</h2>
            <QuestionForm formId="ask-form" inputId="question" placeholder="e.g. What colour is the cat?" />
            <p id="answer" class="answer" role="status" aria-live="polite"></p>
          </section>

          <section aria-labelledby="edit-heading">
            <h2 id="edit-heading">Edit caption and tags</h2>
            <form id="edit-form" class="stacked-form">
              <label for="edit-caption">Caption</label>
              <textarea id="edit-caption" name="caption" rows={2} maxlength={2000}>
                {image.caption ?? ''}
              </textarea>
              <label for="edit-tags">Tags, separated by commas</label>
              <input id="edit-tags" name="tags" type="text" value={image.tags.join(', ')} />
              <div>
                <button type="submit">Save</button>
                <span id="edit-status" role="status" aria-live="polite"></span>
              </div>
            </form>
          </section>

          <section aria-labelledby="exif-heading">
            <h2 id="exif-heading">Photo details</h2>
            <dl>
              <dt>Taken</dt>
              <dd>{image.takenAt ?? 'unknown'}</dd>
              <dt>Camera</dt>
              <dd>{image.camera ?? 'unknown'}</dd>
              <dt>GPS position</dt>
              <dd>{image.latitude !== null && image.longitude !== null ? 'present' : 'none'}</dd>
              <dt>Format</dt>
              <dd>
                {image.format ?? 'unknown'}, {formatBytes(image.sizeBytes)}
              </dd>
              <dt>File</dt>
              <dd class="path">{image.path}</dd>
              {image.duplicates.length ? (
                <>
                  <dt>Same picture at</dt>
                  <dd class="path">{image.duplicates.join(', ')}</dd>
                </>
              ) : null}
            </dl>
          </section>

          <section aria-labelledby="provenance-heading">
            <h2 id="provenance-heading">Provenance</h2>
            {description ? (
              <dl>
                <dt>Provider</dt>
                <dd>{description.provider}</dd>
                <dt>Model</dt>
                <dd>{description.model}</dd>
                <dt>Prompt version</dt>
                <dd>{description.promptVersion}</dd>
                <dt>Described</dt>
                <dd>{description.describedAt}</dd>
                {image.userEdits ? (
                  <>
                    <dt>Edited by you</dt>
                    <dd>{image.userEdits.editedAt}</dd>
                  </>
                ) : null}
              </dl>
            ) : (
              <p class="muted">Not described yet.</p>
            )}
          </section>
        </div>
      </div>
      {props.similar?.length ? (
        <section aria-labelledby="similar-heading">
          <h2 id="similar-heading">Similar images</h2>
          <ol class="results">
            {props.similar.map((result) => (
              <ResultCard result={result} />
            ))}
          </ol>
        </section>
      ) : null}
    </Layout>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
