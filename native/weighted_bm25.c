/*
 * weighted_bm25: SQLite FTS5's bm25 ranking with a weight for each phrase of the query as well as for each column.
 *
 * Why: Glimpse weights query words (words naming visible things count more, see src/search/search.ts). Stock bm25
 * only weights columns, so a word of weight 3 had to be written three times in the MATCH expression — and FTS5
 * then reads its position lists and counts its rows three times. This function takes the weights as arguments
 * instead, and gives exactly the same scores as bm25 over the repeated expression (src/search/full-text.test.ts
 * checks that).
 *
 * Speed: bm25 spends most of its time per matching row reading the row's length (one lookup in the table's
 * docsize b-tree per row, ~0.5 us). With a cache name, the lengths read are kept per connection and reused by later
 * queries, until the database changes (PRAGMA data_version for other connections' commits, total_changes for
 * this one's), when the cache starts again empty. A library of a million images that is searched repeatedly then
 * ranks a common word about twice as fast. The same cache keeps how many rows hold each phrase (for its idf), which
 * FTS5 otherwise counts at every query by reading the phrase's whole row list (keyed by its tokens alone: Glimpse's
 * queries have no column filters). And weighted_bm25_top keeps, the same way, the row lists of phrases holding many
 * rows (their rowids and column-weighted frequencies, see RowList), up to a cap per connection, least recently used
 * dropped first: a sentence's common words ('man', 'white', 'top') hold hundreds of thousands of rows at a million
 * images, and reading them from a flat array instead of through FTS5 is most of what makes a server's sentence
 * queries fast. The first query holding such a word reads it through FTS5 as before (and keeps it).
 *
 *   weighted_bm25(fts_table, cache_name, column_count, column_weight..., phrase_weight...)
 *
 * cache_name: NULL for no cache, else a name for the table (one cache per name per connection). Phrases are
 * numbered in the order they appear in the MATCH expression. Missing weights count as 1. Like bm25() (and unlike
 * the `rank` column) the result is negative: smaller is better.
 *
 * The arithmetic follows bm25 in SQLite's ext/fts5/fts5_aux.c (k1 = 1.2, b = 0.75, idf floored at 1e-6).
 * Built by scripts/build-native.mjs against the headers of the SQLite that better-sqlite3 bundles; when it cannot
 * be built, Glimpse falls back to repeating phrases with stock bm25.
 */
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <math.h>
#include <string.h>

/* Row lengths (+1, so 0 means not read yet) by rowid, valid while the database is unchanged. */
#define MAX_CACHES 4
#define MAX_CACHED_ROWID 100000000
/* Rows holding a phrase, by the phrase's tokens: an open-addressing table, emptied when full or stale. */
#define HIT_SLOTS 8192
#define MAX_HIT_ENTRIES (HIT_SLOTS / 2)
typedef struct {
  char *key; /* the phrase's tokens, each followed by a 0 byte; 0: empty slot */
  int keyBytes;
  sqlite3_int64 hits;
} PhraseHits;

/*
 * A common phrase's row list as weighted_bm25_top reads it: its rows (ascending) and its column-weighted frequency
 * in each, summed hit by hit as addPhraseTerm sums it (float holds it exactly, or the list is not kept). Valid while
 * the database and the column weights are unchanged; the rows' lengths are then all in the length cache.
 */
typedef struct {
  char *key; /* as PhraseHits */
  int keyBytes;
  unsigned int hash;
  int count;
  int *rowids;
  float *frequencies;
  sqlite3_int64 lastUse;
} RowList;

typedef struct {
  char name[64];
  sqlite3_int64 dataVersion, changes;
  unsigned int *lengths;
  sqlite3_int64 capacity;
  int complete; /* every row's length was read in one pass over the docsize table */
  PhraseHits *hits; /* HIT_SLOTS entries, or 0 */
  int hitCount;
  RowList *lists; /* listCount of listCapacity, in no order */
  int listCount, listCapacity;
  double *listWeights; /* the column weights the lists' frequencies were summed with */
  int listColumns;
} LengthCache;

static void clearHits(LengthCache *cache) {
  if (cache->hits == 0) return;
  for (int i = 0; i < HIT_SLOTS; i++) sqlite3_free(cache->hits[i].key);
  memset(cache->hits, 0, sizeof(PhraseHits) * HIT_SLOTS);
  cache->hitCount = 0;
}

/* The phrase's tokens as the query has them (after the tokenizer: porter stems), for a key; 0 if not available. */
static char *phraseKey(const Fts5ExtensionApi *api, Fts5Context *fts, int phrase, int *bytes) {
  if (api->iVersion < 3) return 0;
  int tokens = api->xPhraseSize(fts, phrase);
  sqlite3_int64 total = 0;
  for (int t = 0; t < tokens; t++) {
    const char *token = 0;
    int length = 0;
    if (api->xQueryToken(fts, phrase, t, &token, &length) != SQLITE_OK) return 0;
    total += length + 1;
  }
  char *key = (char *)sqlite3_malloc64(total > 0 ? total : 1);
  if (key == 0) return 0;
  sqlite3_int64 at = 0;
  for (int t = 0; t < tokens; t++) {
    const char *token = 0;
    int length = 0;
    api->xQueryToken(fts, phrase, t, &token, &length);
    memcpy(key + at, token, (size_t)length);
    at += length;
    key[at++] = 0;
  }
  *bytes = (int)total;
  return key;
}

static unsigned int hashBytes(const char *bytes, int length) {
  unsigned int hash = 2166136261u;
  for (int i = 0; i < length; i++) hash = (hash ^ (unsigned char)bytes[i]) * 16777619u;
  return hash;
}

/* The slot of `key` in the cache's table: the one holding it, or the empty one where it would go. */
static PhraseHits *hitSlot(LengthCache *cache, const char *key, int bytes) {
  unsigned int slot = hashBytes(key, bytes) & (HIT_SLOTS - 1);
  while (cache->hits[slot].key != 0) {
    PhraseHits *entry = &cache->hits[slot];
    if (entry->keyBytes == bytes && memcmp(entry->key, key, (size_t)bytes) == 0) return entry;
    slot = (slot + 1) & (HIT_SLOTS - 1);
  }
  return &cache->hits[slot];
}

/*
 * weighted_bm25_top's scratch space, kept per connection. The rows found (touched) are numbered in the order found,
 * and their scores and states kept by that number, their entry; by rowid, only the entry: the scans that decide
 * what to prune then read entries in order, where arrays by rowid (a million rows) were read at random.
 */
typedef struct {
  int *entries; /* by rowid: the row's entry + 1; 0: no phrase yet (or forgotten) */
  /* By rowid, a bit: whether `entries` has one. A common word's rows mostly have none; this says so from an array
     that stays in cache (a bit per row), not from a load in a million-entry one. */
  sqlite3_uint64 *found;
  sqlite3_int64 capacity;
  /* By entry: */
  sqlite3_int64 *touched; /* the rowid */
  double *scores;         /* the terms added so far (in reading order: a floor for the row's score), then the score */
  unsigned char *states;  /* 1: scored, 2: holds an excluded phrase */
  int *heads;             /* the row's last term in `terms`, numbered from 1 */
  sqlite3_int64 touchedCount, touchedCapacity;
  /* Each row's terms, linked: what the row's phrase adds, the phrase's place in the query, the row's previous term. */
  double *terms;
  int *places, *previous;
  int termCount, termCapacity;
  double *scratch; /* touchedCapacity entries, for finding the k-th best floor */
  double highestFloor; /* the highest of the rows' floors: the k-th best is no higher */
} Accumulator;

/* Row lists are kept for phrases of at least this many rows, within this many bytes per connection (defaults). */
#define LIST_MIN_ROWS 512
#define LIST_MAX_BYTES (128 * 1024 * 1024)

typedef struct {
  sqlite3 *db;
  LengthCache caches[MAX_CACHES];
  Accumulator accumulator;
  sqlite3_int64 listBytes, listClock; /* the row lists' memory, and a counter for least-recently-used eviction */
  sqlite3_int64 listMinRows, listMaxBytes;
} Connection;

static sqlite3_int64 listSize(const RowList *list) {
  return (sqlite3_int64)list->count * (sizeof(int) + sizeof(float)) + list->keyBytes + (sqlite3_int64)sizeof(RowList);
}

static void freeList(Connection *connection, RowList *list) {
  connection->listBytes -= listSize(list);
  sqlite3_free(list->key);
  sqlite3_free(list->rowids);
  sqlite3_free(list->frequencies);
}

static void clearLists(Connection *connection, LengthCache *cache) {
  for (int i = 0; i < cache->listCount; i++) freeList(connection, &cache->lists[i]);
  cache->listCount = 0;
}

typedef struct {
  int phraseCount;
  LengthCache *cache;   /* or 0 */
  double averageLength; /* tokens per row, over all columns */
  double *idf;          /* per phrase */
  double *frequency;    /* per phrase, scratch space for the current row */
  double *hits;         /* per phrase: rows holding it */
  sqlite3_int64 rows;   /* in the table */
} QueryData;

static int countRow(const Fts5ExtensionApi *api, Fts5Context *fts, void *count) {
  (void)api;
  (void)fts;
  (*(sqlite3_int64 *)count)++;
  return SQLITE_OK;
}

static sqlite3_int64 dataVersion(sqlite3 *db) {
  sqlite3_stmt *statement = 0;
  sqlite3_int64 version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &statement, 0) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
    version = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  return version;
}

/* The named cache of this connection, emptied first if the database changed since it was filled. */
static LengthCache *lengthCache(Connection *connection, sqlite3_value *nameValue) {
  const char *name = (const char *)sqlite3_value_text(nameValue);
  if (name == 0 || name[0] == 0 || strlen(name) >= sizeof(connection->caches[0].name)) return 0;
  LengthCache *cache = 0;
  for (int i = 0; i < MAX_CACHES && cache == 0; i++) {
    if (strcmp(connection->caches[i].name, name) == 0) cache = &connection->caches[i];
  }
  for (int i = 0; i < MAX_CACHES && cache == 0; i++) {
    if (connection->caches[i].name[0] == 0) {
      cache = &connection->caches[i];
      strcpy(cache->name, name);
      cache->dataVersion = cache->changes = -1;
    }
  }
  if (cache == 0) return 0;
  sqlite3_int64 version = dataVersion(connection->db), changes = sqlite3_total_changes64(connection->db);
  if (version != cache->dataVersion || changes != cache->changes) {
    if (cache->lengths) memset(cache->lengths, 0, sizeof(unsigned int) * (size_t)cache->capacity);
    cache->complete = 0;
    clearHits(cache);
    clearLists(connection, cache);
    cache->dataVersion = version;
    cache->changes = changes;
  }
  return cache;
}

/* Room in the cache for this rowid; 0 when memory is short (the cache is then just not used for it). */
static int makeRoom(LengthCache *cache, sqlite3_int64 rowid) {
  if (rowid < cache->capacity) return 1;
  sqlite3_int64 capacity = cache->capacity ? cache->capacity : 65536;
  while (capacity <= rowid) capacity *= 2;
  unsigned int *grown = (unsigned int *)sqlite3_realloc64(cache->lengths, sizeof(unsigned int) * capacity);
  if (grown == 0) return 0;
  memset(grown + cache->capacity, 0, sizeof(unsigned int) * (size_t)(capacity - cache->capacity));
  cache->lengths = grown;
  cache->capacity = capacity;
  return 1;
}

/* SQLite's varint (as FTS5 writes the column sizes of a docsize row); returns the bytes read, 0 past the end. */
static int readVarint(const unsigned char *bytes, int available, sqlite3_uint64 *value) {
  sqlite3_uint64 result = 0;
  for (int i = 0; i < available && i < 9; i++) {
    if (i == 8) {
      *value = (result << 8) | bytes[i];
      return 9;
    }
    result = (result << 7) | (bytes[i] & 0x7f);
    if ((bytes[i] & 0x80) == 0) {
      *value = result;
      return i + 1;
    }
  }
  return 0;
}

/*
 * Every row's length in one pass over the table's docsize rows (a scan step costs a fraction of a lookup), for a
 * query that is about to score a large share of the table. The cache name is the table's name here; if no such
 * docsize table exists, nothing happens and lengths are cached row by row.
 */
static void fillCache(sqlite3 *db, LengthCache *cache) {
  char *sql = sqlite3_mprintf("SELECT id, sz FROM main.\"%w_docsize\"", cache->name);
  sqlite3_stmt *statement = 0;
  if (sql && sqlite3_prepare_v2(db, sql, -1, &statement, 0) == SQLITE_OK) {
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      sqlite3_int64 rowid = sqlite3_column_int64(statement, 0);
      const unsigned char *sizes = (const unsigned char *)sqlite3_column_blob(statement, 1);
      int available = sqlite3_column_bytes(statement, 1), at = 0, used;
      sqlite3_uint64 total = 0, size;
      while (at < available && (used = readVarint(sizes + at, available - at, &size)) > 0) {
        total += size;
        at += used;
      }
      if (rowid >= 0 && rowid < MAX_CACHED_ROWID && makeRoom(cache, rowid)) cache->lengths[rowid] = (unsigned int)total + 1;
    }
    cache->complete = rc == SQLITE_DONE;
  }
  sqlite3_finalize(statement);
  sqlite3_free(sql);
}

/* A row's length in tokens, from the cache when it has it; `rowid` is the current row's (any value without a cache). */
static int lengthOfRow(const Fts5ExtensionApi *api, Fts5Context *fts, LengthCache *cache, sqlite3_int64 rowid,
                       int *length) {
  if (cache == 0) rowid = -1;
  int cacheable = rowid >= 0 && rowid < MAX_CACHED_ROWID;
  if (cacheable && rowid < cache->capacity && cache->lengths[rowid] != 0) {
    *length = (int)cache->lengths[rowid] - 1;
    return SQLITE_OK;
  }
  int rc = api->xColumnSize(fts, -1, length);
  if (rc == SQLITE_OK && cacheable && makeRoom(cache, rowid)) cache->lengths[rowid] = (unsigned int)*length + 1;
  return rc;
}

static int rowLength(const Fts5ExtensionApi *api, Fts5Context *fts, LengthCache *cache, int *length) {
  return lengthOfRow(api, fts, cache, cache ? api->xRowid(fts) : -1, length);
}

/*
 * How many rows hold a phrase. Counting reads the phrase's whole row list (for a common word in a large library,
 * most of what ranking costs besides scoring), so with a cache the count is kept, under the phrase's tokens, until
 * the database changes; a later query with the same word finds it there.
 */
static int phraseHits(const Fts5ExtensionApi *api, Fts5Context *fts, LengthCache *cache, int phrase, sqlite3_int64 *hits) {
  int bytes = 0;
  char *key = 0;
  if (cache != 0) {
    if (cache->hits == 0) {
      cache->hits = (PhraseHits *)sqlite3_malloc64(sizeof(PhraseHits) * HIT_SLOTS);
      if (cache->hits) memset(cache->hits, 0, sizeof(PhraseHits) * HIT_SLOTS);
    }
    if (cache->hits) key = phraseKey(api, fts, phrase, &bytes);
  }
  if (key != 0) {
    PhraseHits *entry = hitSlot(cache, key, bytes);
    if (entry->key != 0) {
      sqlite3_free(key);
      *hits = entry->hits;
      return SQLITE_OK;
    }
  }
  *hits = 0;
  int rc = api->xQueryPhrase(fts, phrase, (void *)hits, countRow);
  if (key != 0 && rc == SQLITE_OK) {
    if (cache->hitCount >= MAX_HIT_ENTRIES) clearHits(cache);
    PhraseHits *entry = hitSlot(cache, key, bytes);
    entry->key = key;
    entry->keyBytes = bytes;
    entry->hits = *hits;
    cache->hitCount++;
  } else {
    sqlite3_free(key);
  }
  return rc;
}

/* Row count, average length and idf of each phrase: computed once per query and kept as the query's aux data. */
static int queryData(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_value *cacheName, QueryData **out) {
  QueryData *data = (QueryData *)api->xGetAuxdata(fts, 0);
  int rc = SQLITE_OK;
  if (data == 0) {
    int phrases = api->xPhraseCount(fts);
    sqlite3_int64 rows = 0, tokens = 0;
    sqlite3_int64 bytes = sizeof(QueryData) + (sqlite3_int64)phrases * 3 * sizeof(double);
    data = (QueryData *)sqlite3_malloc64(bytes);
    if (data == 0) return SQLITE_NOMEM;
    memset(data, 0, (size_t)bytes);
    data->phraseCount = phrases;
    data->idf = (double *)&data[1];
    data->frequency = &data->idf[phrases];
    data->hits = &data->frequency[phrases];
    data->cache = cacheName ? lengthCache((Connection *)api->xUserData(fts), cacheName) : 0;
    rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc == SQLITE_OK) data->averageLength = rows > 0 ? (double)tokens / (double)rows : 1.0;
    data->rows = rows;
    sqlite3_int64 allHits = 0;
    for (int phrase = 0; rc == SQLITE_OK && phrase < phrases; phrase++) {
      sqlite3_int64 hits = 0;
      rc = phraseHits(api, fts, data->cache, phrase, &hits);
      if (rc == SQLITE_OK) {
        double idf = log((rows - hits + 0.5) / (hits + 0.5));
        data->idf[phrase] = idf <= 0.0 ? 1e-6 : idf;
        data->hits[phrase] = (double)hits;
        allHits += hits;
      }
    }
    /* A query that may score a fifth of the table or more: reading every length in one pass costs about what its
       own lookups would, and later queries find them all cached. */
    if (rc == SQLITE_OK && data->cache && !data->cache->complete && allHits * 5 >= rows && rows >= 10000) {
      fillCache(((Connection *)api->xUserData(fts))->db, data->cache);
    }
    if (rc == SQLITE_OK) {
      rc = api->xSetAuxdata(fts, data, sqlite3_free);
    } else {
      sqlite3_free(data);
    }
    if (rc != SQLITE_OK) data = 0;
  }
  *out = data;
  return rc;
}

static void weightedBm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context, int argumentCount,
                         sqlite3_value **arguments) {
  const double k1 = 1.2, b = 0.75;
  /* Arguments after the table: cache name, column count, column weights, phrase weights. */
  const int first = 2;
  int columns = argumentCount > 1 ? sqlite3_value_int(arguments[1]) : 0;
  int instances = 0, length = 0;
  QueryData *data = 0;
  int rc = queryData(api, fts, argumentCount > 0 ? arguments[0] : 0, &data);
  if (rc == SQLITE_OK) {
    memset(data->frequency, 0, sizeof(double) * data->phraseCount);
    rc = api->xInstCount(fts, &instances);
  }
  /* Each hit of a phrase adds its column's weight to the phrase's frequency, as in bm25. */
  for (int i = 0; rc == SQLITE_OK && i < instances; i++) {
    int phrase, column, offset;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK) {
      data->frequency[phrase] += (column < columns && first + column < argumentCount) ? sqlite3_value_double(arguments[first + column]) : 1.0;
    }
  }
  if (rc == SQLITE_OK) rc = rowLength(api, fts, data->cache, &length);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
    return;
  }
  double score = 0.0;
  double norm = k1 * (1 - b + b * (double)length / data->averageLength);
  for (int phrase = 0; phrase < data->phraseCount; phrase++) {
    int at = first + columns + phrase;
    double weight = at < argumentCount ? sqlite3_value_double(arguments[at]) : 1.0;
    double frequency = data->frequency[phrase];
    score += weight * data->idf[phrase] * (frequency * (k1 + 1.0)) / (frequency + norm);
  }
  sqlite3_result_double(context, -1.0 * score);
}

/*
 * weighted_bm25_top(fts_table, cache_name, k, low, high, column_count, column_weight..., phrase_weight...): the
 * k best rows with rowid in [low, high) of the whole query, as a blob of doubles (machine order) rowid, score,
 * rowid, score... best first (ties by rowid), scores as -weighted_bm25 gives them (positive). Called on
 * any one row of the query (LIMIT 1): it ranks every row itself.
 *
 * Why: ranking with ORDER BY weighted_bm25(...) LIMIT k costs, for every row holding a query word, FTS5's merge of
 * all phrases' row lists, one call of the function, FTS5's sort of the row's hits of every phrase (xInstCount) and a
 * row for SQLite's sorter. At a million images, a sentence's common words ('man', 'white') hold a few hundred
 * thousand rows, and those per-row costs were most of a query. Here each phrase's row list is read on its own
 * (xQueryPhrase), the phrase with the most bound per row first, and each term is kept in a list per row; once the rows
 * not found yet cannot reach the k best, the remaining (common) phrases only add to rows already found (max-score
 * pruning, exact). Each row's terms are then added up in the query's order of phrases, as weighted_bm25 adds them,
 * so the scores are equal to the last bit (src/search/full-text.test.ts compares both).
 */
static int reserveAccumulator(Accumulator *accumulator, sqlite3_int64 rowid) {
  if (rowid < accumulator->capacity) return SQLITE_OK;
  sqlite3_int64 capacity = accumulator->capacity ? accumulator->capacity : 65536;
  while (capacity <= rowid) capacity *= 2;
  int *entries = (int *)sqlite3_realloc64(accumulator->entries, sizeof(int) * capacity);
  if (entries == 0) return SQLITE_NOMEM;
  memset(entries + accumulator->capacity, 0, sizeof(int) * (size_t)(capacity - accumulator->capacity));
  accumulator->entries = entries;
  /* Capacities are powers of two from 65536: whole words of bits. */
  sqlite3_uint64 *found = (sqlite3_uint64 *)sqlite3_realloc64(accumulator->found, (sqlite3_uint64)capacity / 8);
  if (found == 0) return SQLITE_NOMEM;
  memset(found + accumulator->capacity / 64, 0, (size_t)(capacity - accumulator->capacity) / 8);
  accumulator->found = found;
  accumulator->capacity = capacity;
  return SQLITE_OK;
}

/* The row's entry, -1 if it has none (reserveAccumulator first). */
static sqlite3_int64 entryOf(const Accumulator *accumulator, sqlite3_int64 rowid) {
  if (((accumulator->found[rowid >> 6] >> (rowid & 63)) & 1) == 0) return -1;
  return (sqlite3_int64)accumulator->entries[rowid] - 1;
}

/* A new entry for the row, in `state`, with no terms yet. */
static int touch(Accumulator *accumulator, sqlite3_int64 rowid, unsigned char state, sqlite3_int64 *entry) {
  if (accumulator->touchedCount == accumulator->touchedCapacity) {
    sqlite3_int64 capacity = accumulator->touchedCapacity ? accumulator->touchedCapacity * 2 : 4096;
    sqlite3_int64 *touched = (sqlite3_int64 *)sqlite3_realloc64(accumulator->touched, sizeof(sqlite3_int64) * capacity);
    if (touched == 0) return SQLITE_NOMEM;
    accumulator->touched = touched;
    double *scores = (double *)sqlite3_realloc64(accumulator->scores, sizeof(double) * capacity);
    if (scores == 0) return SQLITE_NOMEM;
    accumulator->scores = scores;
    unsigned char *states = (unsigned char *)sqlite3_realloc64(accumulator->states, (sqlite3_uint64)capacity);
    if (states == 0) return SQLITE_NOMEM;
    accumulator->states = states;
    int *heads = (int *)sqlite3_realloc64(accumulator->heads, sizeof(int) * capacity);
    if (heads == 0) return SQLITE_NOMEM;
    accumulator->heads = heads;
    double *scratch = (double *)sqlite3_realloc64(accumulator->scratch, sizeof(double) * capacity);
    if (scratch == 0) return SQLITE_NOMEM;
    accumulator->scratch = scratch;
    accumulator->touchedCapacity = capacity;
  }
  sqlite3_int64 at = accumulator->touchedCount++;
  accumulator->touched[at] = rowid;
  accumulator->scores[at] = 0.0;
  accumulator->states[at] = state;
  accumulator->heads[at] = 0;
  accumulator->entries[rowid] = (int)at + 1;
  accumulator->found[rowid >> 6] |= (sqlite3_uint64)1 << (rowid & 63);
  *entry = at;
  return SQLITE_OK;
}

static int addTerm(Accumulator *accumulator, sqlite3_int64 entry, double term, int place) {
  if (accumulator->termCount == accumulator->termCapacity) {
    int capacity = accumulator->termCapacity ? accumulator->termCapacity * 2 : 8192;
    double *terms = (double *)sqlite3_realloc64(accumulator->terms, sizeof(double) * capacity);
    if (terms == 0) return SQLITE_NOMEM;
    accumulator->terms = terms;
    int *places = (int *)sqlite3_realloc64(accumulator->places, sizeof(int) * capacity);
    if (places == 0) return SQLITE_NOMEM;
    accumulator->places = places;
    int *previous = (int *)sqlite3_realloc64(accumulator->previous, sizeof(int) * capacity);
    if (previous == 0) return SQLITE_NOMEM;
    accumulator->previous = previous;
    accumulator->termCapacity = capacity;
  }
  int at = accumulator->termCount++;
  accumulator->terms[at] = term;
  accumulator->places[at] = place;
  accumulator->previous[at] = accumulator->heads[entry];
  accumulator->heads[entry] = at + 1;
  accumulator->scores[entry] += term;
  if (accumulator->scores[entry] > accumulator->highestFloor) accumulator->highestFloor = accumulator->scores[entry];
  return SQLITE_OK;
}

typedef struct {
  Accumulator *accumulator;
  QueryData *data;
  const double *columnWeights;
  int columns;
  double weight; /* the phrase's; 0 for an excluded phrase */
  double idf;
  int place; /* the phrase's number in the query */
  int admit; /* 0: rows holding none of the phrases read so far cannot reach the k best, skip them */
  sqlite3_int64 low, high;
  /* While a phrase's row list is being kept (see RowList): every row's frequency, whether it is scored or not. */
  int recording; /* 0 when not, or given up */
  int recorded, recordCapacity;
  int *rowids;
  float *frequencies;
} PhrasePass;

/* What the phrase adds to a row's score: one expression for rows read through FTS5 and from a kept list alike. */
static double phraseTerm(const PhrasePass *pass, double frequency, int length) {
  const double k1 = 1.2, b = 0.75;
  double norm = k1 * (1 - b + b * (double)length / pass->data->averageLength);
  return pass->weight * pass->idf * (frequency * (k1 + 1.0)) / (frequency + norm);
}

/* The phrase's term for a row found already (its entry) or just found (entry -1, admitted). */
static int scoreRow(PhrasePass *pass, sqlite3_int64 rowid, sqlite3_int64 entry, double term) {
  Accumulator *accumulator = pass->accumulator;
  int rc = entry < 0 ? touch(accumulator, rowid, 1, &entry) : SQLITE_OK;
  return rc == SQLITE_OK ? addTerm(accumulator, entry, term, pass->place) : rc;
}

/* An excluded phrase's row: out, whatever it holds. */
static int excludeRow(Accumulator *accumulator, sqlite3_int64 rowid, sqlite3_int64 entry) {
  if (entry < 0) return touch(accumulator, rowid, 2, &entry);
  accumulator->states[entry] = 2;
  return SQLITE_OK;
}

/* The phrase's hits in this row straight from its position list (the query here is the phrase alone): xInstCount
   would first build an array of them, about half the cost of each row of a common word's long row list. The
   weights are added in the same order (by column, then offset), so the sum is the same. */
static int rowFrequency(const Fts5ExtensionApi *api, Fts5Context *fts, const PhrasePass *pass, double *frequency) {
  Fts5PhraseIter iterator;
  int column = -1, offset = 0;
  double sum = 0.0;
  int rc = api->xPhraseFirst(fts, 0, &iterator, &column, &offset);
  for (; rc == SQLITE_OK && column >= 0; api->xPhraseNext(fts, &iterator, &column, &offset))
    sum += column < pass->columns ? pass->columnWeights[column] : 1.0;
  *frequency = sum;
  return rc;
}

/* Keeps the current row in the list being recorded; gives the recording up if the row cannot be kept. */
static int recordRow(const Fts5ExtensionApi *api, Fts5Context *fts, PhrasePass *pass, sqlite3_int64 rowid,
                     double *frequency) {
  LengthCache *cache = pass->data->cache;
  int length = 0;
  int rc = rowFrequency(api, fts, pass, frequency);
  /* The kept list's rows take their lengths from the length cache: read each now, if not there already. */
  if (rc == SQLITE_OK && rowid >= 0 && rowid < MAX_CACHED_ROWID) rc = lengthOfRow(api, fts, cache, rowid, &length);
  if (rc != SQLITE_OK) return rc;
  if (rowid < 0 || rowid >= MAX_CACHED_ROWID || rowid >= cache->capacity || cache->lengths[rowid] == 0 ||
      pass->recorded == pass->recordCapacity || (double)(float)*frequency != *frequency) {
    pass->recording = 0;
  } else {
    pass->rowids[pass->recorded] = (int)rowid;
    pass->frequencies[pass->recorded++] = (float)*frequency;
  }
  return SQLITE_OK;
}

static int addPhraseTerm(const Fts5ExtensionApi *api, Fts5Context *fts, void *pointer) {
  PhrasePass *pass = (PhrasePass *)pointer;
  Accumulator *accumulator = pass->accumulator;
  sqlite3_int64 rowid = api->xRowid(fts);
  double frequency = 0.0;
  int known = 0, rc;
  if (pass->recording) {
    rc = recordRow(api, fts, pass, rowid, &frequency);
    if (rc != SQLITE_OK) return rc;
    known = 1;
  }
  if (rowid < pass->low || rowid >= pass->high) return SQLITE_OK;
  /* Scores are kept in arrays by rowid: for rowids beyond them, the caller ranks row by row instead. */
  if (rowid < 0 || rowid >= MAX_CACHED_ROWID) return SQLITE_RANGE;
  rc = reserveAccumulator(accumulator, rowid);
  if (rc != SQLITE_OK) return rc;
  sqlite3_int64 entry = entryOf(accumulator, rowid);
  unsigned char state = entry < 0 ? 0 : accumulator->states[entry];
  if (pass->weight == 0.0) return excludeRow(accumulator, rowid, entry);
  if (state == 2 || (state == 0 && !pass->admit)) return SQLITE_OK;
  int length = 0;
  if (!known) rc = rowFrequency(api, fts, pass, &frequency);
  if (rc == SQLITE_OK) rc = lengthOfRow(api, fts, pass->data->cache, rowid, &length);
  if (rc != SQLITE_OK) return rc;
  return scoreRow(pass, rowid, entry, phraseTerm(pass, frequency, length));
}

/*
 * addPhraseTerm over a kept row list, without FTS5: the same rows in the same order, the same frequencies, the
 * same lengths (from the length cache, which holds every kept row's), so the same terms to the bit. Once no new
 * row is admitted and few rows are still in the running, each of those is looked up in the list instead.
 */
static int addKeptPhrase(PhrasePass *pass, const RowList *list) {
  Accumulator *accumulator = pass->accumulator;
  const unsigned int *lengths = pass->data->cache->lengths;
  if (list->count == 0) return SQLITE_OK;
  int rc = reserveAccumulator(accumulator, list->rowids[list->count - 1]);
  if (rc != SQLITE_OK) return rc;
  if (pass->weight != 0.0 && !pass->admit && accumulator->touchedCount * 16 < list->count) {
    for (sqlite3_int64 t = 0; rc == SQLITE_OK && t < accumulator->touchedCount; t++) {
      if (accumulator->states[t] != 1) continue;
      sqlite3_int64 rowid = accumulator->touched[t];
      int low = 0, high = list->count;
      while (low < high) {
        int middle = low + (high - low) / 2;
        if (list->rowids[middle] < rowid) low = middle + 1;
        else high = middle;
      }
      if (low < list->count && list->rowids[low] == rowid)
        rc = scoreRow(pass, rowid, t, phraseTerm(pass, (double)list->frequencies[low], (int)lengths[rowid] - 1));
    }
    return rc;
  }
  for (int i = 0; rc == SQLITE_OK && i < list->count; i++) {
    sqlite3_int64 rowid = list->rowids[i];
    if (rowid < pass->low || rowid >= pass->high) continue;
    sqlite3_int64 entry = entryOf(accumulator, rowid);
    unsigned char state = entry < 0 ? 0 : accumulator->states[entry];
    if (pass->weight == 0.0) {
      rc = excludeRow(accumulator, rowid, entry);
      continue;
    }
    if (state == 2 || (state == 0 && !pass->admit)) continue;
    rc = scoreRow(pass, rowid, entry, phraseTerm(pass, (double)list->frequencies[i], (int)lengths[rowid] - 1));
  }
  return rc;
}

/* Drops the least recently used lists (of any cache) until they take at most `bytes`. */
static void evictLists(Connection *connection, sqlite3_int64 bytes) {
  while (connection->listBytes > bytes) {
    LengthCache *oldestCache = 0;
    int oldest = -1;
    for (int c = 0; c < MAX_CACHES; c++) {
      LengthCache *cache = &connection->caches[c];
      for (int i = 0; i < cache->listCount; i++)
        if (oldest < 0 || cache->lists[i].lastUse < oldestCache->lists[oldest].lastUse) {
          oldestCache = cache;
          oldest = i;
        }
    }
    if (oldest < 0) return;
    freeList(connection, &oldestCache->lists[oldest]);
    oldestCache->lists[oldest] = oldestCache->lists[--oldestCache->listCount];
  }
}

static RowList *findList(LengthCache *cache, const char *key, int bytes, unsigned int hash) {
  for (int i = 0; i < cache->listCount; i++) {
    RowList *list = &cache->lists[i];
    if (list->hash == hash && list->keyBytes == bytes && memcmp(list->key, key, (size_t)bytes) == 0) return list;
  }
  return 0;
}

/* Keeps the recorded list (taking its arrays and key), evicting the least recently used to stay within the cap. */
static void keepList(Connection *connection, LengthCache *cache, PhrasePass *pass, char *key, int bytes,
                     unsigned int hash) {
  RowList list = {key, bytes, hash, pass->recorded, pass->rowids, pass->frequencies, ++connection->listClock};
  sqlite3_int64 size = listSize(&list);
  evictLists(connection, connection->listMaxBytes - size);
  if (cache->listCount == cache->listCapacity) {
    int capacity = cache->listCapacity ? cache->listCapacity * 2 : 64;
    RowList *grown = (RowList *)sqlite3_realloc64(cache->lists, sizeof(RowList) * (sqlite3_uint64)capacity);
    if (grown != 0) {
      cache->lists = grown;
      cache->listCapacity = capacity;
    }
  }
  if (connection->listBytes + size > connection->listMaxBytes || cache->listCount == cache->listCapacity) {
    sqlite3_free(key);
    sqlite3_free(pass->rowids);
    sqlite3_free(pass->frequencies);
  } else {
    cache->lists[cache->listCount++] = list;
    connection->listBytes += size;
  }
  pass->rowids = 0;
  pass->frequencies = 0;
}

/*
 * One phrase's terms: from its kept row list if it has one, else through FTS5 (xQueryPhrase), keeping the list when
 * the phrase holds enough rows to be worth it. A common word's row list, read through FTS5, is most of what a
 * sentence costs at a million images even when no new row can be admitted; a server answers many queries sharing
 * those words, and reads them from the kept lists instead.
 */
static int readPhrase(const Fts5ExtensionApi *api, Fts5Context *fts, PhrasePass *pass, int phrase, int keep) {
  Connection *connection = (Connection *)api->xUserData(fts);
  LengthCache *cache = pass->data->cache;
  sqlite3_int64 hits = (sqlite3_int64)pass->data->hits[phrase];
  int bytes = 0;
  char *key = 0;
  if (keep && cache != 0 && hits >= connection->listMinRows && hits < MAX_CACHED_ROWID &&
      hits * (sqlite3_int64)(sizeof(int) + sizeof(float)) <= connection->listMaxBytes)
    key = phraseKey(api, fts, phrase, &bytes);
  if (key == 0) return api->xQueryPhrase(fts, phrase, pass, addPhraseTerm);
  unsigned int hash = hashBytes(key, bytes);
  RowList *list = findList(cache, key, bytes, hash);
  if (list != 0) {
    sqlite3_free(key);
    list->lastUse = ++connection->listClock;
    return addKeptPhrase(pass, list);
  }
  /* A phrase held by a large share of the rows needs most lengths: one pass over them all costs less than lookups. */
  if (!cache->complete && hits * 10 >= pass->data->rows) fillCache(connection->db, cache);
  pass->rowids = (int *)sqlite3_malloc64(sizeof(int) * (sqlite3_uint64)hits);
  pass->frequencies = (float *)sqlite3_malloc64(sizeof(float) * (sqlite3_uint64)hits);
  pass->recording = pass->rowids != 0 && pass->frequencies != 0;
  pass->recorded = 0;
  pass->recordCapacity = (int)hits;
  int rc = api->xQueryPhrase(fts, phrase, pass, addPhraseTerm);
  if (rc == SQLITE_OK && pass->recording && pass->recorded == hits) {
    keepList(connection, cache, pass, key, bytes, hash);
  } else {
    sqlite3_free(key);
    sqlite3_free(pass->rowids);
    sqlite3_free(pass->frequencies);
    pass->rowids = 0;
    pass->frequencies = 0;
  }
  pass->recording = 0;
  return rc;
}

/* Is entry a better than entry b: higher score, then lower rowid. */
static int better(const Accumulator *accumulator, sqlite3_int64 a, sqlite3_int64 b) {
  const double *scores = accumulator->scores;
  return scores[a] > scores[b] || (scores[a] == scores[b] && accumulator->touched[a] < accumulator->touched[b]);
}

/* Restores the heap of entries (worst row at the top) below `at`. */
static void siftDown(sqlite3_int64 *heap, int count, int at, const Accumulator *accumulator) {
  for (;;) {
    int worst = at, left = 2 * at + 1, right = left + 1;
    if (left < count && better(accumulator, heap[worst], heap[left])) worst = left;
    if (right < count && better(accumulator, heap[worst], heap[right])) worst = right;
    if (worst == at) return;
    sqlite3_int64 swap = heap[at];
    heap[at] = heap[worst];
    heap[worst] = swap;
    at = worst;
  }
}

/* The k-th largest of values[0..count) (count >= k), reordering them. */
static double kthLargest(double *values, sqlite3_int64 count, sqlite3_int64 k) {
  sqlite3_int64 low = 0, high = count - 1, target = k - 1;
  while (low < high) {
    double pivot = values[low + (high - low) / 2];
    sqlite3_int64 i = low, j = high;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        double swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target];
  }
  return values[target];
}

/*
 * Whether k scored rows have a floor above `value`: else the k-th best is not above it and nothing can be pruned.
 * One pass that stops at the k-th such row, where finding the k-th best copies every floor and selects among them
 * (a few hundred thousand at a million images, at every phrase until pruning starts).
 */
static int atLeastAbove(const Accumulator *accumulator, int k, double value) {
  sqlite3_int64 found = 0;
  for (sqlite3_int64 t = 0; t < accumulator->touchedCount; t++)
    if (accumulator->states[t] == 1 && accumulator->scores[t] > value && ++found >= k) return 1;
  return 0;
}

/* A phrase's place in the query and the most it can add to a row's score (weight × idf × (k1 + 1), a little over). */
typedef struct {
  int place;
  double weight, bound;
  double order; /* what reading it first gains: its bound per row it holds */
} PhraseBound;

/* Whether the cache's row lists were summed with these column weights; if the cache has none, they will be. */
static int useListsFor(LengthCache *cache, const double *weights, int columns) {
  if (cache == 0 || weights == 0) return 0;
  if (cache->listWeights != 0 && cache->listColumns == columns &&
      memcmp(cache->listWeights, weights, sizeof(double) * (size_t)columns) == 0)
    return 1;
  if (cache->listCount > 0) return 0;
  double *copy = (double *)sqlite3_malloc64(sizeof(double) * (sqlite3_uint64)(columns + 1));
  if (copy == 0) return 0;
  memcpy(copy, weights, sizeof(double) * (size_t)columns);
  sqlite3_free(cache->listWeights);
  cache->listWeights = copy;
  cache->listColumns = columns;
  return 1;
}

static void weightedBm25Top(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context,
                            int argumentCount, sqlite3_value **arguments) {
  /* Arguments after the table: cache name, k, low, high, column count, column weights, phrase weights. */
  if (argumentCount < 5) {
    sqlite3_result_error(context, "weighted_bm25_top: too few arguments", -1);
    return;
  }
  int k = sqlite3_value_int(arguments[1]);
  int columns = sqlite3_value_int(arguments[4]);
  const int first = 5;
  if (k < 1 || columns < 0 || first + columns > argumentCount) {
    sqlite3_result_error(context, "weighted_bm25_top: bad arguments", -1);
    return;
  }
  QueryData *data = 0;
  int rc = queryData(api, fts, arguments[0], &data);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
    return;
  }
  Accumulator *accumulator = &((Connection *)api->xUserData(fts))->accumulator;
  accumulator->touchedCount = 0;
  accumulator->termCount = 0;
  accumulator->highestFloor = 0.0;
  /* The column weights read once, not at every hit. */
  double *columnWeights = (double *)sqlite3_malloc64(sizeof(double) * (sqlite3_uint64)(columns + 1));
  for (int column = 0; columnWeights != 0 && column < columns; column++)
    columnWeights[column] = sqlite3_value_double(arguments[first + column]);
  PhrasePass pass = {accumulator, data, columnWeights, columns, 0.0, 0.0, 0, 1, sqlite3_value_int64(arguments[2]),
                     sqlite3_value_int64(arguments[3]), 0, 0, 0, 0, 0};
  /* Kept row lists hold frequencies summed with the column weights: other weights, other lists. */
  int keep = useListsFor(data->cache, columnWeights, columns);
  /* Excluded phrases (weight 0) first, so that their rows are never scored. */
  PhraseBound *order = (PhraseBound *)sqlite3_malloc64(sizeof(PhraseBound) * (sqlite3_uint64)(data->phraseCount + 1));
  if (order == 0 || columnWeights == 0) rc = SQLITE_NOMEM;
  int ordered = 0;
  for (int phrase = 0; rc == SQLITE_OK && phrase < data->phraseCount; phrase++) {
    int at = first + columns + phrase;
    double weight = at < argumentCount ? sqlite3_value_double(arguments[at]) : 1.0;
    if (weight == 0.0) {
      pass.weight = 0.0;
      rc = readPhrase(api, fts, &pass, phrase, keep);
    } else {
      /* The most bound per row first (insertion sort: a query has a few dozen phrases at most): rows are admitted
         only until the bounds left are under the k-th best, and rare phrases lower what is left at a small cost in
         rows, where a common word read early admits a hundred thousand rows at a million images. Any order is exact. */
      PhraseBound bound = {phrase, weight, weight * data->idf[phrase] * 2.2 * (1 + 1e-9), 0.0};
      bound.order = bound.bound / (data->hits[phrase] + 1.0);
      int i = ordered++;
      while (i > 0 && order[i - 1].order < bound.order) {
        order[i] = order[i - 1];
        i--;
      }
      order[i] = bound;
    }
  }
  /*
   * Max-score pruning: a row holding none of the phrases read so far can score at most the sum of the bounds of
   * those left. Once that is under the k-th best of the scores so far (each a floor for its row's final score), no
   * such row can reach the k best: the remaining phrases only add to rows already found. Exact, and it leaves out
   * most rows holding only a sentence's common words, which come last.
   */
  double left = 0.0;
  for (int i = 0; i < ordered; i++) left += order[i].bound;
  for (int i = 0; rc == SQLITE_OK && i < ordered; i++) {
    /* The k-th best floor is at most the highest: until that is above what is left, nothing can be decided. */
    if (accumulator->touchedCount >= k && left < accumulator->highestFloor * (1 - 1e-9) &&
        atLeastAbove(accumulator, k, left)) {
      sqlite3_int64 count = 0;
      for (sqlite3_int64 t = 0; t < accumulator->touchedCount; t++)
        if (accumulator->states[t] == 1) accumulator->scratch[count++] = accumulator->scores[t];
      double kth = count >= k ? kthLargest(accumulator->scratch, count, k) : 0.0;
      if (count >= k && left < kth * (1 - 1e-9)) {
        pass.admit = 0;
        /*
         * And a row found already whose floor plus all that is left is under the k-th best cannot reach the k best
         * either: it is forgotten (its entry dropped, which no longer admits it), so that the remaining phrases,
         * the final sums and the heap work on the rows that still can.
         */
        sqlite3_int64 kept = 0;
        double floor = kth * (1 - 1e-9) - left;
        for (sqlite3_int64 t = 0; t < accumulator->touchedCount; t++) {
          sqlite3_int64 rowid = accumulator->touched[t];
          if (accumulator->states[t] == 1 && accumulator->scores[t] < floor * (1 - 1e-9) - 1e-9) {
            accumulator->found[rowid >> 6] &= ~((sqlite3_uint64)1 << (rowid & 63));
          } else {
            if (kept != t) {
              accumulator->touched[kept] = rowid;
              accumulator->scores[kept] = accumulator->scores[t];
              accumulator->states[kept] = accumulator->states[t];
              accumulator->heads[kept] = accumulator->heads[t];
              accumulator->entries[rowid] = (int)kept + 1;
            }
            kept++;
          }
        }
        accumulator->touchedCount = kept;
      }
    }
    pass.weight = order[i].weight;
    pass.idf = data->idf[order[i].place];
    pass.place = order[i].place;
    rc = readPhrase(api, fts, &pass, order[i].place, keep);
    left -= order[i].bound;
  }
  sqlite3_free(order);
  sqlite3_free(columnWeights);
  /* Each row's score: its terms added in the query's order of phrases, as weighted_bm25 adds them (to the bit). */
  double *sorted = 0;
  int *places = 0;
  if (rc == SQLITE_OK && ordered > 0) {
    sorted = (double *)sqlite3_malloc64(sizeof(double) * (sqlite3_uint64)ordered);
    places = (int *)sqlite3_malloc64(sizeof(int) * (sqlite3_uint64)ordered);
    if (sorted == 0 || places == 0) rc = SQLITE_NOMEM;
  }
  for (sqlite3_int64 t = 0; rc == SQLITE_OK && t < accumulator->touchedCount; t++) {
    if (accumulator->states[t] != 1) continue;
    int count = 0;
    for (int at = accumulator->heads[t]; at != 0 && count < ordered; at = accumulator->previous[at - 1]) {
      int place = accumulator->places[at - 1], i = count++;
      while (i > 0 && places[i - 1] > place) {
        places[i] = places[i - 1];
        sorted[i] = sorted[i - 1];
        i--;
      }
      places[i] = place;
      sorted[i] = accumulator->terms[at - 1];
    }
    double score = 0.0;
    for (int i = 0; i < count; i++) score += sorted[i];
    accumulator->scores[t] = score;
  }
  sqlite3_free(sorted);
  sqlite3_free(places);
  /* The k best scored rows: a heap with the worst of them on top. */
  sqlite3_int64 *heap = rc == SQLITE_OK ? (sqlite3_int64 *)sqlite3_malloc64(sizeof(sqlite3_int64) * (sqlite3_uint64)k) : 0;
  if (rc == SQLITE_OK && heap == 0) rc = SQLITE_NOMEM;
  int count = 0;
  for (sqlite3_int64 entry = 0; rc == SQLITE_OK && entry < accumulator->touchedCount; entry++) {
    if (accumulator->states[entry] != 1) continue;
    if (count < k) {
      heap[count++] = entry;
      for (int at = count - 1; at > 0 && better(accumulator, heap[(at - 1) / 2], heap[at]); at = (at - 1) / 2) {
        sqlite3_int64 swap = heap[at];
        heap[at] = heap[(at - 1) / 2];
        heap[(at - 1) / 2] = swap;
      }
    } else if (better(accumulator, entry, heap[0])) {
      heap[0] = entry;
      siftDown(heap, count, 0, accumulator);
    }
  }
  /* Best first: take the worst off the heap until it is empty, filling from the end. */
  double *result = rc == SQLITE_OK ? (double *)sqlite3_malloc64(sizeof(double) * 2 * (sqlite3_uint64)(count ? count : 1)) : 0;
  if (rc == SQLITE_OK && result == 0) rc = SQLITE_NOMEM;
  for (int n = count; rc == SQLITE_OK && n > 0; n--) {
    result[2 * (n - 1)] = (double)accumulator->touched[heap[0]];
    result[2 * (n - 1) + 1] = accumulator->scores[heap[0]];
    heap[0] = heap[n - 1];
    siftDown(heap, n - 1, 0, accumulator);
  }
  sqlite3_free(heap);
  /* Leave the entries clean for the next query. */
  for (sqlite3_int64 i = 0; i < accumulator->touchedCount; i++) {
    sqlite3_int64 rowid = accumulator->touched[i];
    accumulator->found[rowid >> 6] &= ~((sqlite3_uint64)1 << (rowid & 63));
  }
  accumulator->touchedCount = 0;
  if (rc != SQLITE_OK) {
    sqlite3_free(result);
    sqlite3_result_error_code(context, rc);
    return;
  }
  sqlite3_result_blob(context, result, (int)(sizeof(double) * 2 * count), sqlite3_free);
}

/*
 * weighted_bm25_lists([min_rows, max_bytes]): the bytes this connection's kept row lists take; with arguments, first
 * sets which phrases' lists are kept (at least min_rows rows) and the cap (for tests and measurements).
 */
static void rowListSettings(sqlite3_context *context, int argumentCount, sqlite3_value **arguments) {
  Connection *connection = (Connection *)sqlite3_user_data(context);
  if (argumentCount >= 2) {
    connection->listMinRows = sqlite3_value_int64(arguments[0]);
    connection->listMaxBytes = sqlite3_value_int64(arguments[1]);
    evictLists(connection, connection->listMaxBytes);
  }
  sqlite3_result_int64(context, connection->listBytes);
}

static fts5_api *fts5Api(sqlite3 *db) {
  fts5_api *api = 0;
  sqlite3_stmt *statement = 0;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0) == SQLITE_OK) {
    sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", 0);
    sqlite3_step(statement);
  }
  sqlite3_finalize(statement);
  return api;
}

static void freeConnection(void *pointer) {
  Connection *connection = (Connection *)pointer;
  for (int i = 0; i < MAX_CACHES; i++) {
    sqlite3_free(connection->caches[i].lengths);
    clearHits(&connection->caches[i]);
    sqlite3_free(connection->caches[i].hits);
    clearLists(connection, &connection->caches[i]);
    sqlite3_free(connection->caches[i].lists);
    sqlite3_free(connection->caches[i].listWeights);
  }
  sqlite3_free(connection->accumulator.entries);
  sqlite3_free(connection->accumulator.found);
  sqlite3_free(connection->accumulator.scores);
  sqlite3_free(connection->accumulator.states);
  sqlite3_free(connection->accumulator.touched);
  sqlite3_free(connection->accumulator.heads);
  sqlite3_free(connection->accumulator.terms);
  sqlite3_free(connection->accumulator.places);
  sqlite3_free(connection->accumulator.previous);
  sqlite3_free(connection->accumulator.scratch);
  sqlite3_free(connection);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_weightedbm_init(sqlite3 *db, char **error, const sqlite3_api_routines *routines) {
  SQLITE_EXTENSION_INIT2(routines);
  fts5_api *api = fts5Api(db);
  if (api == 0 || api->iVersion < 2) {
    *error = sqlite3_mprintf("weighted_bm25 needs FTS5");
    return SQLITE_ERROR;
  }
  Connection *connection = (Connection *)sqlite3_malloc64(sizeof(Connection));
  if (connection == 0) return SQLITE_NOMEM;
  memset(connection, 0, sizeof(Connection));
  connection->db = db;
  connection->listMinRows = LIST_MIN_ROWS;
  connection->listMaxBytes = LIST_MAX_BYTES;
  int rc = api->xCreateFunction(api, "weighted_bm25", connection, weightedBm25, freeConnection);
  if (rc != SQLITE_OK) {
    sqlite3_free(connection);
    return rc;
  }
  /* Shares the connection's caches, which weighted_bm25's destructor frees. */
  rc = api->xCreateFunction(api, "weighted_bm25_top", connection, weightedBm25Top, 0);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_create_function_v2(db, "weighted_bm25_lists", -1, SQLITE_UTF8, connection, rowListSettings, 0, 0, 0);
}
