/**
 * Status: what the store holds, which providers described it, files that failed and why, and (when the server
 * allows it) a form to index a folder with live progress.
 */
import type { IndexSummary, StatusReport } from '../types.js';
import { Layout } from './layout.js';

/** What the page shows of an indexing job started over HTTP; declared here so views need nothing from the server. */
export interface IndexJobView {
  id: string;
  path: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  total: number | null;
  summary: IndexSummary | null;
  error: { message: string } | null;
}

export function StatusPage(props: { status: StatusReport; roots: string[]; jobs: IndexJobView[] }) {
  const { status } = props;
  const running = props.jobs.find((job) => job.state === 'running' || job.state === 'queued');
  return (
    <Layout title="Status" page="status">
      <h1>Status</h1>
      <dl class="counts">
        <dt>Images</dt>
        <dd id="count-images">{status.images}</dd>
        <dt>Described</dt>
        <dd>{status.described}</dd>
        <dt>Failed</dt>
        <dd>{status.failed.length}</dd>
        <dt>Default provider</dt>
        <dd>{status.defaultProvider}</dd>
      </dl>

      <section aria-labelledby="index-heading">
        <h2 id="index-heading">Index a folder</h2>
        {props.roots.length ? (
          <>
            <form id="index-form" class="inline-form" data-running-job={running?.id}>
              <label for="index-path">Folder</label>
              <input id="index-path" name="path" type="text" required value={props.roots[0]} list="index-roots" />
              <datalist id="index-roots">
                {props.roots.map((root) => (
                  <option value={root} />
                ))}
              </datalist>
              <label class="checkbox">
                <input type="checkbox" name="force" value="true" /> Describe again
              </label>
              <button type="submit">Index</button>
            </form>
            <p class="muted">Allowed: {props.roots.join(', ')}</p>
            <div id="index-progress" class="index-progress" hidden>
              <progress id="index-bar" max={1} value={0} aria-labelledby="index-progress-text"></progress>
              <p id="index-progress-text" role="status" aria-live="polite"></p>
              <ul id="index-failures" class="failures"></ul>
            </div>
          </>
        ) : (
          <p class="muted">
            Indexing from the browser is off. Start the server with <code>--allow-index FOLDER</code>, or run{' '}
            <code>glimpse index FOLDER</code>.
          </p>
        )}
      </section>

      {props.jobs.length ? (
        <section aria-labelledby="jobs-heading">
          <h2 id="jobs-heading">Recent indexing runs</h2>
          <ul id="job-list" class="failures">
            {props.jobs.map((job) => (
              <li>
                <span class="path">{job.path}</span> — {jobText(job)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="providers-heading">
        <h2 id="providers-heading">Providers</h2>
        {status.providers.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Model</th>
                <th scope="col">Prompt version</th>
                <th scope="col">Images</th>
              </tr>
            </thead>
            <tbody>
              {status.providers.map((provider) => (
                <tr>
                  <td>{provider.provider}</td>
                  <td>{provider.model}</td>
                  <td>{provider.promptVersion}</td>
                  <td>{provider.images}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">Nothing described yet.</p>
        )}
      </section>

      <section aria-labelledby="failed-heading">
        <h2 id="failed-heading">Failed files</h2>
        {status.failed.length ? (
          <ul id="failed-list" class="failures">
            {status.failed.map((failure) => (
              <li>
                <span class="path">{failure.path}</span> <code>{failure.code}</code>
                <br />
                {failure.message}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No failures.</p>
        )}
      </section>

      <p class="muted">
        Database: <span class="path">{status.db}</span> · API: <a href="/api/v1/openapi.json">OpenAPI document</a>
      </p>
    </Layout>
  );
}

function jobText(job: IndexJobView): string {
  if (job.state === 'done' && job.summary) {
    return `done: ${job.summary.indexed} indexed, ${job.summary.unchanged} unchanged, ${job.summary.failed} failed`;
  }
  if (job.state === 'failed') return `stopped: ${job.error?.message ?? 'unknown error'}`;
  return job.state === 'running' ? `running: ${job.done} of ${job.total ?? '?'}` : 'waiting';
}
