/* log.h: one line per event on stderr, "dance-proxy: LEVEL: text",
 * flushed per line; lines above the configured level are dropped. */
#ifndef DP_LOG_H
#define DP_LOG_H

typedef enum dp_level {
	DP_LOG_ERROR = 0,
	DP_LOG_WARNING,
	DP_LOG_NOTICE,
	DP_LOG_INFO,
	DP_LOG_DEBUG,
} dp_level_t;

typedef struct dp_log {
	dp_level_t level; /* highest level written */
} dp_log_t;

void dp_log(const dp_log_t *log, dp_level_t level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

const char *dp_level_name(dp_level_t level);
/* 0 and *out set, or -1 for an unknown name. */
int dp_level_parse(const char *name, dp_level_t *out);

#endif
