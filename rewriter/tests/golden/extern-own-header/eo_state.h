/* The module's own header declares its state extern (defined in input.c). */
#ifndef EO_STATE_H
#define EO_STATE_H
struct eo_state {
	unsigned int hits;
};
extern struct eo_state eo_state;
extern int eo_count;
#endif
