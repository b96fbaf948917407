/*
 * weighted_bm25: SQLite FTS5's bm25 ranking with a weight for each phrase of the query as well as for each column.
 *
 * Why: Glimpse weights query words (words naming visible things count more, see src/search/search.ts). Stock bm25
 * only weights columns, so a word of weight 3 had to be written three times in the MATCH expression — and FTS5
 * then reads its position lists and counts its rows three times. This function takes the weights as arguments
 * instead, and gives exactly the same scores as bm25 over the repeated expression (src/search/full-text.test.ts
 * checks that), about a fifth faster on large libraries.
 *
 *   weighted_bm25(fts_table, column_count, column_weight..., phrase_weight...)
 *
 * Phrases are numbered in the order they appear in the MATCH expression. Missing weights count as 1. Like bm25()
 * (and unlike the `rank` column) the result is negative: smaller is better.
 *
 * The arithmetic follows bm25 in SQLite's ext/fts5/fts5_aux.c (k1 = 1.2, b = 0.75, idf floored at 1e-6).
 * Built by scripts/build-native.mjs against the headers of the SQLite that better-sqlite3 bundles; when it cannot
 * be built, Glimpse falls back to repeating phrases with stock bm25.
 */
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <math.h>
#include <string.h>

typedef struct {
  int phraseCount;
  double averageLength; /* tokens per row, over all columns */
  double *idf;          /* per phrase */
  double *frequency;    /* per phrase, scratch space for the current row */
} QueryData;

static int countRow(const Fts5ExtensionApi *api, Fts5Context *fts, void *count) {
  (void)api;
  (void)fts;
  (*(sqlite3_int64 *)count)++;
  return SQLITE_OK;
}

/* Row count, average length and idf of each phrase: computed once per query and kept as the query's aux data. */
static int queryData(const Fts5ExtensionApi *api, Fts5Context *fts, QueryData **out) {
  QueryData *data = (QueryData *)api->xGetAuxdata(fts, 0);
  int rc = SQLITE_OK;
  if (data == 0) {
    int phrases = api->xPhraseCount(fts);
    sqlite3_int64 rows = 0, tokens = 0;
    sqlite3_int64 bytes = sizeof(QueryData) + (sqlite3_int64)phrases * 2 * sizeof(double);
    data = (QueryData *)sqlite3_malloc64(bytes);
    if (data == 0) return SQLITE_NOMEM;
    memset(data, 0, (size_t)bytes);
    data->phraseCount = phrases;
    data->idf = (double *)&data[1];
    data->frequency = &data->idf[phrases];
    rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc == SQLITE_OK) data->averageLength = rows > 0 ? (double)tokens / (double)rows : 1.0;
    for (int phrase = 0; rc == SQLITE_OK && phrase < phrases; phrase++) {
      sqlite3_int64 hits = 0;
      rc = api->xQueryPhrase(fts, phrase, (void *)&hits, countRow);
      if (rc == SQLITE_OK) {
        double idf = log((rows - hits + 0.5) / (hits + 0.5));
        data->idf[phrase] = idf <= 0.0 ? 1e-6 : idf;
      }
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
  int columns = argumentCount > 0 ? sqlite3_value_int(arguments[0]) : 0;
  int instances = 0, length = 0;
  QueryData *data = 0;
  int rc = queryData(api, fts, &data);
  if (rc == SQLITE_OK) {
    memset(data->frequency, 0, sizeof(double) * data->phraseCount);
    rc = api->xInstCount(fts, &instances);
  }
  /* Each hit of a phrase adds its column's weight to the phrase's frequency, as in bm25. */
  for (int i = 0; rc == SQLITE_OK && i < instances; i++) {
    int phrase, column, offset;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK) {
      data->frequency[phrase] += (column < columns && 1 + column < argumentCount) ? sqlite3_value_double(arguments[1 + column]) : 1.0;
    }
  }
  if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &length);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
    return;
  }
  double score = 0.0;
  double norm = k1 * (1 - b + b * (double)length / data->averageLength);
  for (int phrase = 0; phrase < data->phraseCount; phrase++) {
    int at = 1 + columns + phrase;
    double weight = at < argumentCount ? sqlite3_value_double(arguments[at]) : 1.0;
    double frequency = data->frequency[phrase];
    score += weight * data->idf[phrase] * (frequency * (k1 + 1.0)) / (frequency + norm);
  }
  sqlite3_result_double(context, -1.0 * score);
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
  return api->xCreateFunction(api, "weighted_bm25", 0, weightedBm25, 0);
}
