/* fuzz_clientid.c: the dane_clientid extension data (dance_clientid_decode,
 * dance_clientid_encode), as a server's ClientHello parser sees it.
 *
 * The input is the extension data. Properties: a refusal carries a reason
 * and leaves the name empty; an accepted ClientName is the input's octets
 * in lower case, in normal form, and encodes back to the same octets
 * (lower-cased); the name buffer size is honoured exactly (one byte short
 * is refused, exact fits). The input is also tried as a name to encode,
 * which must then decode back to its normal form.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dance/clientid.h"
#include "dance/name.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const uint8_t *data, size_t size, const char *name)
{
	size_t n = strlen(name);
	char again[DANCE_NAME_MAX], small[DANCE_NAME_MAX];
	uint8_t wire[DANCE_CLIENTID_WIRE_MAX];
	size_t wire_len = 0;
	dance_error_t err;
	FUZZ_CHECK(n == data[0] && size == n + 1, "length %zu of %zu", n, size);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(name[i] == tolower(data[1 + i]),
		           "octet %zu changed beyond case", i);
	}
	FUZZ_CHECK(dance_name_normalize(name, again, &err) == DANCE_OK &&
	                   strcmp(again, name) == 0,
	           "\"%s\" not in normal form", name);
	FUZZ_CHECK(dance_clientid_encode(name, wire, sizeof(wire), &wire_len,
	                                 &err) == DANCE_OK,
	           "accepted name does not encode: %s", err.reason);
	FUZZ_CHECK(wire_len == size && wire[0] == data[0], "encoding differs");
	for (size_t i = 1; i < size; i++) {
		FUZZ_CHECK(wire[i] == tolower(data[i]), "encoding differs");
	}
	FUZZ_CHECK(dance_clientid_decode(data, size, small, n, &err) ==
	                           DANCE_EINVAL &&
	                   small[0] == '\0',
	           "a buffer one byte short was used");
	FUZZ_CHECK(dance_clientid_decode(data, size, small, n + 1, &err) ==
	                           DANCE_OK &&
	                   strcmp(small, name) == 0,
	           "an exact buffer was refused");
}

static void check_encode(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	uint8_t wire[DANCE_CLIENTID_WIRE_MAX];
	size_t wire_len = 0;
	char name[DANCE_NAME_MAX], norm[DANCE_NAME_MAX];
	dance_error_t err;
	if (text == NULL) {
		return;
	}
	if (dance_clientid_encode(text, wire, sizeof(wire), &wire_len, &err) ==
	    DANCE_OK) {
		FUZZ_CHECK(dance_clientid_decode(wire, wire_len, name,
		                                 sizeof(name),
		                                 &err) == DANCE_OK,
		           "own encoding of \"%.60s\" refused: %s", text,
		           err.reason);
		FUZZ_CHECK(dance_name_normalize(text, norm, NULL) == DANCE_OK &&
		                   strcmp(norm, name) == 0,
		           "\"%.60s\" came back as \"%s\"", text, name);
	} else {
		FUZZ_CHECK(err.reason[0] != '\0', "encode refusal silent");
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[DANCE_NAME_MAX];
	dance_error_t err;
	memset(name, 'x', sizeof(name));
	dance_code_t rc =
	        dance_clientid_decode(data, size, name, sizeof(name), &err);
	if (rc == DANCE_OK) {
		check_accepted(data, size, name);
	} else {
		FUZZ_CHECK(rc == DANCE_EINVAL && err.reason[0] != '\0',
		           "refusal %d without reason", (int)rc);
		FUZZ_CHECK(name[0] == '\0', "refused but name set");
	}
	check_encode(data, size);
	return 0;
}
