/* help.c: --help text and the dance(1) man page, both rendered from the
 * command tables (cli.h), so the two never disagree with each other or
 * with what getopt_long accepts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dance/dance.h"

#define WIDTH  79
#define INDENT 4

static const char overview[] =
        "dance is the operator tool of dance-xot: DANE client authentication "
        "for DNS zone transfers over TLS (XoT, RFC 9103). A primary lets a "
        "secondary transfer a zone when the secondary's TLS client "
        "certificate or raw public key matches a DNSSEC-validated TLSA "
        "record published under the secondary's DNS name "
        "(draft-ietf-dance-client-auth).\n\n"
        "The TLSA owner name of a client NAME is made from a template, by "
        "default \"_xfr-client.{name}\" (so ns2.example.net publishes its "
        "key at _xfr-client.ns2.example.net); --template changes it, e.g. "
        "\"{name}\" for the freeform owner.\n\n"
        "Names are normalised everywhere: lower case, A-labels, no trailing "
        "dot. Certificates and keys are read as PEM or DER.";

static const cli_exit_doc_t main_exits[] = {
        {0, "Done; authorized; the credentials match."},
        {1, "Denied; the credentials do not match."},
        {2, "DNS or DNSSEC failure (insecure, bogus, missing record, "
            "resolver failure, timeout), or the server could not be "
            "reached."},
        {3, "Usage or input error: a bad option, an unreadable or malformed "
            "file, an invalid name or TLSA record. Nothing is written."},
        {0, NULL},
};

static const char json_doc[] =
        "With --json every subcommand prints exactly one JSON object on one "
        "line on standard output, and nothing else there (messages still go "
        "to standard error). Field names are stable; fields may be added. "
        "Every object has \"command\" (the subcommand). Times are ISO 8601 "
        "UTC strings (\"2025-01-31T12:00:00Z\") or null when unknown. TLSA "
        "records appear in presentation form (\"3 1 1 <HEX>\", upper-case "
        "hex). On an error the object is {\"command\", \"error\", "
        "\"exit_code\"} and the exit status is the same number.";

/* Writes text word-wrapped up to column WIDTH: the first line goes on
 * from column col (where the caller left off), the others start at
 * column indent. */
static void wrap(FILE *out, const char *text, size_t col, size_t indent)
{
	int line_empty = 1;
	const char *p = text;
	while (*p != '\0') {
		while (*p == ' ') {
			p++;
		}
		size_t len = strcspn(p, " ");
		if (len == 0) {
			break;
		}
		if (!line_empty && col + 1 + len > WIDTH) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			line_empty = 1;
		}
		if (!line_empty) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += len;
		line_empty = 0;
		p += len;
	}
	fputc('\n', out);
}

/* Pads to column indent and wraps text from there. */
static void wrap_indented(FILE *out, const char *text, size_t indent)
{
	fprintf(out, "%*s", (int)indent, "");
	wrap(out, text, indent, indent);
}

/* Calls fn for each paragraph of text ("\n\n" separated). */
typedef void (*paragraph_fn)(FILE *out, const char *para, size_t index);

static void each_paragraph(const char *text, paragraph_fn fn, FILE *out)
{
	char para[2048];
	const char *p = text;
	size_t index = 0;
	while (p != NULL && *p != '\0') {
		const char *end = strstr(p, "\n\n");
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len >= sizeof(para)) {
			len = sizeof(para) - 1;
		}
		memcpy(para, p, len);
		para[len] = '\0';
		for (char *c = para; *c != '\0'; c++) {
			if (*c == '\n') {
				*c = ' ';
			}
		}
		fn(out, para, index++);
		p = end != NULL ? end + 2 : NULL;
	}
}

static void text_paragraph(FILE *out, const char *para, size_t index)
{
	if (index > 0) {
		fputc('\n', out);
	}
	if (strncmp(para, "- ", 2) == 0) {
		fprintf(out, "%*s- ", INDENT, "");
		wrap(out, para + 2, INDENT + 2, INDENT + 2);
	} else {
		wrap_indented(out, para, INDENT);
	}
}

static void text_paragraphs(FILE *out, const char *text)
{
	each_paragraph(text, text_paragraph, out);
}

static void text_synopsis(const cli_command_t *cmd, FILE *out)
{
	const char *p = cmd->synopsis;
	size_t prefix = strlen("dance ") + strlen(cmd->name) + 1;
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (p == cmd->synopsis) {
			fprintf(out, "%*sdance %s ", INDENT, "", cmd->name);
		} else {
			fprintf(out, "%*s", (int)(INDENT + prefix), "");
		}
		wrap(out, line, INDENT + prefix, INDENT + prefix);
		p += len;
		if (*p == '\n') {
			p++;
		}
	}
}

static void text_options(const cli_option_t *opts, FILE *out)
{
	for (const cli_option_t *o = opts; o->name != NULL; o++) {
		fprintf(out, "%*s", INDENT, "");
		if (o->id < 128) {
			fprintf(out, "-%c, ", o->id);
		}
		fprintf(out, "--%s%s%s\n", o->name, o->arg != NULL ? " " : "",
		        o->arg != NULL ? o->arg : "");
		wrap_indented(out, o->help, 2 * INDENT);
	}
}

static void text_exits(const cli_exit_doc_t *exits, FILE *out)
{
	for (const cli_exit_doc_t *e = exits; e->text != NULL; e++) {
		fprintf(out, "%*s%d   ", INDENT, "", e->code);
		wrap(out, e->text, INDENT + 4, INDENT + 4);
	}
}

static void text_examples(const cli_example_t *ex, FILE *out)
{
	for (const cli_example_t *e = ex; e->command != NULL; e++) {
		if (e != ex) {
			fputc('\n', out);
		}
		wrap_indented(out, e->text, INDENT);
		fprintf(out, "%*s%s\n", 2 * INDENT, "", e->command);
	}
}

void cli_help_print(const cli_command_t *cmd, FILE *out)
{
	fprintf(out, "NAME\n%*sdance %s - %s\n\nSYNOPSIS\n", INDENT, "",
	        cmd->name, cmd->summary);
	text_synopsis(cmd, out);
	fputs("\nDESCRIPTION\n", out);
	text_paragraphs(out, cmd->description);
	fputs("\nOPTIONS\n", out);
	text_options(cmd->options, out);
	fputs("\nEXIT STATUS\n", out);
	text_exits(cmd->exits, out);
	fputs("\nEXAMPLES\n", out);
	text_examples(cmd->examples, out);
	fputs("\nSee dance(1) for JSON output and the other subcommands.\n",
	      out);
}

void cli_help_print_main(FILE *out)
{
	fprintf(out,
	        "NAME\n%*sdance - DANE client authentication for zone "
	        "transfers over TLS\n\nSYNOPSIS\n"
	        "%*sdance COMMAND [OPTIONS]\n%*sdance COMMAND --help\n"
	        "%*sdance --help | --version\n\nDESCRIPTION\n",
	        INDENT, "", INDENT, "", INDENT, "", INDENT, "");
	text_paragraphs(out, overview);
	fputs("\nCOMMANDS\n", out);
	for (size_t i = 0; i < cli_command_count; i++) {
		fprintf(out, "%*s%-8s", INDENT, "", cli_commands[i]->name);
		wrap(out, cli_commands[i]->summary, INDENT + 8, INDENT + 8);
	}
	fputs("\nJSON OUTPUT\n", out);
	text_paragraphs(out, json_doc);
	fputs("\nEXIT STATUS\n", out);
	text_exits(main_exits, out);
	fputs("\nRun \"dance COMMAND --help\" for a command's options and "
	      "examples; \"man dance\" for all.\n",
	      out);
}

/* roff: text with backslashes escaped, option dashes as \-, and a line
 * never starting with a control character. prose keeps in-word hyphens. */
static void roff_text(FILE *out, const char *text, int prose)
{
	char prev = ' ';
	if (text[0] == '.' || text[0] == '\'') {
		fputs("\\&", out);
	}
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\\') {
			fputs("\\e", out);
		} else if (*p == '-' && (!prose || prev == '-' || prev == ' ' ||
		                         prev == '(' || prev == '[' ||
		                         prev == '|' || prev == '"')) {
			fputs("\\-", out);
		} else {
			fputc(*p, out);
			if (*p == '\n' && (p[1] == '.' || p[1] == '\'')) {
				fputs("\\&", out);
			}
		}
		prev = *p;
	}
}

static void roff_paragraph(FILE *out, const char *para, size_t index)
{
	(void)index;
	if (strncmp(para, "- ", 2) == 0) {
		fputs(".IP \\(bu 2\n", out);
		para += 2;
	} else {
		fputs(".PP\n", out);
	}
	roff_text(out, para, 1);
	fputc('\n', out);
}

static void roff_paragraphs(FILE *out, const char *text)
{
	each_paragraph(text, roff_paragraph, out);
}

static void roff_synopsis(const cli_command_t *cmd, FILE *out)
{
	/* One filled paragraph with a hanging indent. */
	fprintf(out, ".PP\n.in +4n\n.ti -4n\n\\fBdance %s\\fR\n", cmd->name);
	for (const char *p = cmd->synopsis; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		roff_text(out, line, 0);
		fputc('\n', out);
		p += len + (p[len] == '\n');
	}
	fputs(".in\n", out);
}

static void roff_options(const cli_option_t *opts, FILE *out)
{
	for (const cli_option_t *o = opts; o->name != NULL; o++) {
		fputs(".TP\n", out);
		if (o->id < 128) {
			fprintf(out, "\\fB\\-%c\\fR, ", o->id);
		}
		fputs("\\fB", out);
		roff_text(out, "--", 0);
		roff_text(out, o->name, 0);
		fputs("\\fR", out);
		if (o->arg != NULL) {
			fprintf(out, " \\fI%s\\fR", o->arg);
		}
		fputc('\n', out);
		roff_text(out, o->help, 1);
		fputc('\n', out);
	}
}

static void roff_exits(const cli_exit_doc_t *exits, FILE *out)
{
	for (const cli_exit_doc_t *e = exits; e->text != NULL; e++) {
		fprintf(out, ".TP\n.B %d\n", e->code);
		roff_text(out, e->text, 1);
		fputc('\n', out);
	}
}

static void roff_examples(const cli_example_t *ex, FILE *out)
{
	for (const cli_example_t *e = ex; e->command != NULL; e++) {
		fputs(".PP\n", out);
		roff_text(out, e->text, 1);
		fputs("\n.PP\n.RS 4\n.nf\n", out);
		roff_text(out, e->command, 0);
		fputs("\n.fi\n.RE\n", out);
	}
}

static void roff_command(const cli_command_t *cmd, FILE *out)
{
	fprintf(out, ".SS \"dance %s\"\n", cmd->name);
	roff_text(out, cmd->summary, 1);
	fputc('\n', out);
	roff_synopsis(cmd, out);
	roff_paragraphs(out, cmd->description);
	fputs(".PP\n.B Options\n", out);
	roff_options(cmd->options, out);
	fputs(".PP\n.B Exit status\n", out);
	roff_exits(cmd->exits, out);
	fputs(".PP\n.B Examples\n", out);
	roff_examples(cmd->examples, out);
}

void cli_man_print(FILE *out)
{
	fprintf(out,
	        ".\\\" dance(1): generated by \"dance --man\" from the command "
	        "tables in src/cli; do not edit.\n"
	        ".TH DANCE 1 \"\" \"dance-xot %s\" \"User Commands\"\n"
	        ".SH NAME\ndance \\- DANE client authentication for zone "
	        "transfers over TLS\n"
	        ".SH SYNOPSIS\n.nf\n\\fBdance\\fR \\fICOMMAND\\fR "
	        "[\\fIOPTIONS\\fR]\n\\fBdance\\fR \\fICOMMAND\\fR "
	        "\\fB\\-\\-help\\fR\n\\fBdance\\fR \\fB\\-\\-help\\fR | "
	        "\\fB\\-\\-version\\fR\n.fi\n.SH DESCRIPTION\n",
	        DANCE_VERSION);
	roff_paragraphs(out, overview);
	fputs(".PP\nCommands:\n", out);
	for (size_t i = 0; i < cli_command_count; i++) {
		fprintf(out, ".TP\n.B %s\n", cli_commands[i]->name);
		roff_text(out, cli_commands[i]->summary, 1);
		fputc('\n', out);
	}
	fputs(".SH COMMANDS\n", out);
	for (size_t i = 0; i < cli_command_count; i++) {
		roff_command(cli_commands[i], out);
	}
	fputs(".SH \"JSON OUTPUT\"\n", out);
	roff_paragraphs(out, json_doc);
	fputs(".SH \"EXIT STATUS\"\n", out);
	roff_exits(main_exits, out);
	fputs(".SH \"SEE ALSO\"\n.BR danetool (1),\n.BR certtool (1),\n"
	      ".BR kdig (1),\n.BR knotd (8),\n.BR unbound (8)\n"
	      ".PP\nRFC 6698, RFC 7671, RFC 7218, RFC 9103, "
	      "draft\\-ietf\\-dance\\-client\\-auth.\n",
	      out);
}
