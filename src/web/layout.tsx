/**
 * The page frame every web page shares: viewport meta for phones, one stylesheet, one deferred script module,
 * a skip link and the navigation.
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

export function Layout(props: { title: string; page: string; children: Child }) {
  const link = (href: string, label: string, page: string) => (
    <a href={href} aria-current={props.page === page ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title} · Glimpse</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href="/assets/app.css" />
          <script type="module" src="/assets/app.js"></script>
        </head>
        <body data-page={props.page}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <a class="brand" href="/">
              Glimpse
            </a>
            <nav aria-label="Main">
              {link('/', 'Search', 'search')}
              {link('/describe', 'Describe an image', 'describe')}
              {link('/status', 'Status', 'status')}
            </nav>
          </header>
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

export function ErrorView(props: { status: number; message: string }) {
  return (
    <Layout title={`Error ${props.status}`} page="error">
      <h1>{props.status === 404 ? 'Not found' : `Error ${props.status}`}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">Back to search</a>
      </p>
    </Layout>
  );
}
