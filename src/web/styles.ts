/**
 * The web app's one stylesheet: system fonts, readable on a phone (one column below 700 px), visible focus rings,
 * and colours that follow the system's light or dark preference.
 */
export const STYLES = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1b1f; --muted: #5d5d66; --line: #d6d6dc; --accent: #1d5bd6; --mark: #ffe58a; --card: #f6f6f8; }
@media (prefers-color-scheme: dark) { :root { --bg: #151518; --fg: #ececf0; --muted: #a4a4ae; --line: #36363d; --accent: #8fb3ff; --mark: #6b5a00; --card: #1f1f24; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; color: var(--fg); }
nav { display: flex; flex-wrap: wrap; gap: 1rem; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { padding: 1rem; max-width: 1200px; margin: 0 auto; }
main:focus { outline: none; }
.narrow { max-width: 32rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .25rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.muted, .note { color: var(--muted); }
.path { font-family: ui-monospace, monospace; font-size: .85rem; overflow-wrap: anywhere; }
input, select, textarea, button { font: inherit; color: inherit; max-width: 100%; }
input[type="search"], input[type="text"], input[type="password"], input[type="date"], select, textarea {
  padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); max-width: 100%; }
button { padding: .45rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--bg); cursor: pointer; }
button.copy { background: transparent; color: var(--accent); }
.search-form { display: grid; grid-template-columns: 1fr auto; gap: .5rem; }
.search-form input[type="search"] { font-size: 1.15rem; width: 100%; }
.filters { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; border: 0; padding: 0; margin: 0; }
.filters legend { float: left; margin-right: 1rem; color: var(--muted); }
.checkbox { display: inline-flex; gap: .35rem; align-items: center; }
.result-count { color: var(--muted); min-height: 1.5em; }
.pager { display: flex; gap: 1.5em; justify-content: center; margin: 1.5em 0; }
.results { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 1rem; }
.result { background: var(--card); border-radius: 8px; overflow: hidden; display: flex; flex-direction: column; }
.result-link { display: block; color: var(--fg); text-decoration: none; }
.result-link img { display: block; width: 100%; height: 160px; object-fit: cover; background: var(--line); }
.result-caption { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; line-clamp: 2; overflow: hidden; padding: .4rem .6rem 0; font-size: .9rem; line-height: 1.35; }
.results.library .result-caption { color: var(--muted); font-size: .8rem; -webkit-line-clamp: 1; line-clamp: 1; }
.weaker { margin: 1.25rem 0; }
.weaker summary { cursor: pointer; color: var(--muted); margin-bottom: .75rem; }
.result-link:hover .result-caption { text-decoration: underline; }
.snippet, .why { margin: .25rem .6rem; font-size: .85rem; }
.why { color: var(--muted); margin-bottom: .5rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
mark { background: var(--mark); color: inherit; padding: 0 .1em; border-radius: 2px; }
.image-page { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; align-items: start; }
.photo { margin: 0; }
.photo-frame { position: relative; display: inline-block; max-width: 100%; }
.photo-frame img, .photo > img { display: block; max-width: 100%; height: auto; border-radius: 6px; }
.boxes { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
.boxes rect { fill: none; stroke: #ffcc00; stroke-width: 3px; }
.boxes.hidden { display: none; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .4rem; }
.tags { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
.tags li a { display: inline-block; padding: .1rem .6rem; border-radius: 999px; background: var(--card); border: 1px solid var(--line); text-decoration: none; }
.objects { padding-left: 1.2rem; }
.ocr { white-space: pre-wrap; background: var(--card); padding: .6rem; border-radius: 6px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.counts { max-width: 28rem; }
.inline-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.inline-form input[type="text"] { flex: 1 1 14rem; }
.stacked-form { display: grid; grid-template-columns: minmax(0, 1fr); gap: .4rem; max-width: 40rem; }
.answer { font-size: 1.05rem; min-height: 1.5em; }
.library-ask { margin: 1rem 0; }
.library-ask h2 { font-size: 1.1rem; margin: 0 0 .4rem; }
.sources { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .6rem; }
.sources a { display: grid; gap: .2rem; justify-items: start; font-size: .85rem; text-decoration: none; }
.sources img { width: 96px; height: 72px; object-fit: cover; border-radius: 4px; background: var(--card); }
.drop-zone { border: 2px dashed var(--line); border-radius: 10px; padding: 1rem; text-align: center; display: grid; grid-template-columns: minmax(0, 1fr); gap: .5rem; justify-items: center; }
.drop-zone.dragging { border-color: var(--accent); background: var(--card); }
.lead { font-size: 1.2rem; font-weight: 600; }
.failures { padding-left: 1.2rem; }
.failures li { margin-bottom: .5rem; }
progress { width: 100%; max-width: 40rem; height: 1.2rem; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: .3rem .8rem .3rem 0; border-bottom: 1px solid var(--line); }
@media (max-width: 700px) {
  .image-page { grid-template-columns: 1fr; }
  .search-form { grid-template-columns: 1fr; }
  .results { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); }
  .result-link img { height: 120px; }
  main { padding: .75rem; }
}
`;
