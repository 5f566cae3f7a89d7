/* bs_examples.h — the shipped specs, reachable by name from anywhere.
 *
 * The specs of specs/ are installed in DATADIR/backstep/specs.  A SPEC
 * argument that is not an existing file but is the name of a shipped spec
 * ("4-3-2-1-bce", with or without ".json") runs that spec.  The places
 * searched, in order: $BACKSTEP_SPECS_DIR, the installed directory, and the
 * source tree the program was built from (so an uninstalled build works).
 */
#ifndef BS_EXAMPLES_H
#define BS_EXAMPLES_H

#include <stddef.h>

#include "bs_sink.h"

/* Finds the shipped spec called `name`.  Returns 0 and writes its path into
 * buf, or -1 when there is none (or name has a '/', which makes it a path). */
int bs_example_find(const char *name, char *buf, size_t size);

/* Writes the list of shipped specs: name, layers, handout and the spec's
 * own name, one per line, sorted by name.  Returns how many were listed. */
size_t bs_examples_list(bs_sink *s);

#endif
