# read-outputs.R - every output of spiral read into R data frames.
#
# The snippets of README.md ("Reading the outputs"), runnable: make the
# files as read-outputs.py says, then
#
#     Rscript read-outputs.R DIR
#
# Packages (Debian): r-base-core, r-cran-jsonlite, r-cran-readr,
# r-cran-rsqlite.  make check runs it on the demo corpus when they are there.
suppressPackageStartupMessages({
  library(jsonlite)
  library(readr)
  library(DBI)
  library(RSQLite)
})
args <- commandArgs(trailingOnly = TRUE)
d <- if (length(args)) args[1] else "."
p <- function(name) file.path(d, name)

# --- spiral score: JSON Lines, one statement a line ------------------------
scores <- stream_in(file(p("scores.jsonl")), verbose = FALSE)
# hits is a list column of data frames: one row per hit, with the id
hits <- do.call(rbind, Map(function(id, h) {
  if (NROW(h) == 0) return(NULL)
  data.frame(id = id, h[c("text", "category", "score", "entry")])
}, scores$id, scores$hits))
cat("scores", dim(scores), "hits", dim(hits), "\n")
print(head(scores[c("id", "threat", "reassurance", "tone", "label")], 3))
print(tail(sort(tapply(hits$score, hits$category, sum)), 3))
stopifnot(nrow(hits) == sum(vapply(scores$hits, NROW, 1L)))

# --- spiral tokens: one row per token --------------------------------------
tok <- stream_in(file(p("tokens.jsonl")), verbose = FALSE)
tokens <- do.call(rbind, Map(function(id, s) {
  data.frame(id = id, do.call(rbind, s$tokens))
}, tok$id, tok$sentences))
cat("tokens", dim(tokens), sort(unique(tokens$kind)), "\n")

# --- spiral compare: one JSON object, or five CSV files --------------------
cmp <- fromJSON(p("compare.json"))
profile <- cmp$languages$all$profile            # a data frame
profiles_csv <- read_csv(p("cmp/profiles.csv"), show_col_types = FALSE)
cat("profile", dim(profile), "profiles.csv", dim(profiles_csv), "\n")
stopifnot(sum(profiles_csv$language == "all") == nrow(profile))

# --- spiral track: one JSON document, five CSV tables, a SQLite store ------
tr <- fromJSON(p("track.json"))
series <- do.call(rbind, Map(function(s, t, x) data.frame(speaker = s, target = t, x),
                             tr$dyads$speaker, tr$dyads$target, tr$dyads$series))
spiral <- tr$pairs$spiral[[1]]                  # the first pair, per period
dyads <- read_csv(p("track/dyads.csv"), show_col_types = FALSE)   # empty cells: NA
pairs <- read_csv(p("track/pairs.csv"), show_col_types = FALSE)   # true/false: logical
pair_periods <- read_csv(p("track/pair_periods.csv"), show_col_types = FALSE)
con <- dbConnect(SQLite(), p("spiral.db"))
stored <- dbGetQuery(con, "SELECT id, date, speaker, target, threat, reassurance FROM statements")
stored_hits <- dbGetQuery(con, "SELECT * FROM hits")
db_pp <- dbGetQuery(con, "SELECT * FROM pair_periods ORDER BY a, b, period")
dbDisconnect(con)
cat("series", dim(series), "dyads.csv", dim(dyads), "spiral", dim(spiral),
    "pair_periods.csv", dim(pair_periods), "\n")
cat("store: statements", dim(stored), "hits", dim(stored_hits), "\n")
print(tail(pair_periods[c("a", "b", "period", "spiral_score")], 3))
stopifnot(nrow(series) == nrow(dyads), nrow(spiral) == nrow(pair_periods),
          nrow(db_pp) == nrow(pair_periods), is.logical(pairs$runaway))

# --- spiral lexicon stats and spiral eval --dump: TSV ----------------------
stats <- read_tsv(p("stats.tsv"), show_col_types = FALSE)
cat("lexicon", stats$entries[stats$lang == "all"], "entries\n")
if (file.exists(p("dump.tsv"))) {
  lines <- read_lines(p("dump.tsv"))
  dump <- read_tsv(I(lines[!startsWith(lines, "#")]), quote = "",   # "#target" lines apart
                   show_col_types = FALSE)
  cat("eval dump", dim(dump), "\n")
}
