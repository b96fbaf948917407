/**
 * Describe an image without indexing it: choose a file, drop one, or paste one (the browser script uploads it).
 */
import { TASKS } from '../providers/spec.js';
import { Layout } from './layout.js';

export function DescribePage(props: { maxUploadMb: number }) {
  return (
    <Layout title="Describe an image" page="describe">
      <h1>Describe an image</h1>
      <p>The image is described and shown here only; it is not added to the index.</p>
      <form id="describe-form" class="stacked-form">
        <div id="drop-zone" class="drop-zone">
          <label for="describe-file">Choose an image, drop one here, or paste one (Ctrl+V)</label>
          <input id="describe-file" name="image" type="file" accept="image/*" />
          <p class="muted">Up to {props.maxUploadMb} MB: JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC.</p>
        </div>
        <label for="describe-task">What to produce</label>
        <select id="describe-task" name="task">
          {TASKS.map((task) => (
            <option value={task} selected={task === 'json'}>
              {task === 'json' ? 'everything (caption, tags, text, objects)' : task}
            </option>
          ))}
        </select>
        <div>
          <button type="submit">Describe</button>
        </div>
      </form>
      <p id="describe-status" role="status" aria-live="polite"></p>
      <section id="describe-result" class="describe-result" hidden aria-labelledby="describe-result-heading">
        <h2 id="describe-result-heading">Description</h2>
        <div class="image-page">
          <figure class="photo">
            <img id="describe-preview" alt="" />
          </figure>
          <div class="facts">
            <p id="describe-caption" class="lead"></p>
            <h3>Alt text</h3>
            <p id="describe-alt"></p>
            <button type="button" class="copy" data-copy-from="describe-alt">
              Copy alt text
            </button>
            <span class="copy-status" role="status" aria-live="polite"></span>
            <h3>Details</h3>
            <dl id="describe-details"></dl>
          </div>
        </div>
      </section>
    </Layout>
  );
}
