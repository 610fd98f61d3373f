package dev.sluice.redis;

/**
 * A request's keys on one slot (all its keys, except on a Cluster whose slots split them), for the request's
 * entries {@code at}, with one operation, in the scripts' calling convention, already in RESP: {@code resp} holds
 * the keys up to {@code keysEnd}, then the check's arguments (time, member, operation, permits, key count, each
 * key's limit and window, and for {@link LimitScript#UNDO} the window's end), all captured when the request was
 * submitted, so a call never reads a request.
 *
 * @param check the request in flight this part belongs to
 * @param group the index of the part's slot among the request's slots
 * @param at the request's entries whose keys this part carries
 * @param firstKey the first of those keys, which routes a Cluster call
 * @param resp the keys, then the arguments, as RESP bulk strings
 * @param keysEnd where the arguments start in {@code resp}
 * @param operation one of {@link LimitScript}'s operations
 * @param phase the step of the request it serves
 */
@SuppressWarnings("ArrayRecordComponent") // a carrier of one call's bytes, never compared or hashed
record Part(Check check, int group, int[] at, byte[] firstKey, byte[] resp, int keysEnd, int operation, Check.Phase phase) {

    int keyCount() {
        return at.length;
    }

    /** {@return the script arguments (ARGV) this part adds: five, then two or three per key} */
    int arguments() {
        return 5 + (operation == LimitScript.UNDO ? 3 : 2) * at.length;
    }

    /** {@return true for a part that takes a charge back: it is sent even when its request has settled} */
    boolean compensating() {
        return phase == Check.Phase.UNDO;
    }
}
