/**
 * Which kind of library a location names, told without loading either store: a `postgres://` (or `postgresql://`)
 * URL is a PostgreSQL database, anything else a SQLite file (or ':memory:').
 */

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: safe to print. */
export function redactUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString().replace(/:@/, '@');
  } catch {
    return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1@');
  }
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
