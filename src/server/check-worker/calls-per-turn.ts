/** Weight of the latest turn in the running share (about the last eight turns count). */
const TURN_WEIGHT = 1 / 8;

/**
 * Whether calls reach the service one at a time (a caller waiting for each answer before its next
 * call) or together, as a concurrent load's calls queue on their connections and are read in the
 * same turn of the event loop. A turn ends at the event loop's check phase, after the I/O it read,
 * so counting costs one `setImmediate` per turn that had calls.
 */
export class CallsPerTurn {
  private inTurn = 0;
  private share = 0;
  private readonly endTurn = (): void => {
    this.share += ((this.inTurn > 1 ? 1 : 0) - this.share) * TURN_WEIGHT;
    this.inTurn = 0;
  };

  /** Counts a call that reached the service in this turn. */
  noteCall(): void {
    if (this.inTurn++ === 0) setImmediate(this.endTurn);
  }

  /** The share of the recent turns (about the last eight that had calls) that brought several calls. */
  get sharedTurns(): number {
    return this.share;
  }

  /** The calls noted so far in this turn. */
  get thisTurn(): number {
    return this.inTurn;
  }
}
