import { abortWith } from './errors';
import { newBuf, bufLiteral } from './buffer';

// Evaluation slices. Warden's serving thread evaluates a cache miss itself only for a slice of work
// (loop iterations and allocations, counted as fuel); an evaluation that outlasts it aborts, and a
// worker thread that can be stopped evaluates it instead. Every instance starts disarmed, the only
// state the OPA SDK knows: then nothing ever aborts for fuel.

const DISARMED: i32 = i32.MAX_VALUE;
let fuel: i32 = DISARMED;
let armed = false;

/** Arms a slice of `units` for the evaluations that follow (each loop iteration burns one); 0 disarms. */
export function warden_fuel(units: i32): void {
  armed = units > 0;
  fuel = armed ? units : DISARMED;
}

@inline export function burn(units: i32): void {
  fuel -= units;
  if (fuel < 0) fuelOut();
}

function fuelOut(): void {
  fuel = DISARMED;
  if (!armed) return;
  armed = false;
  const b = newBuf(48);
  bufLiteral(b, 'warden: evaluation slice used up');
  abortWith(b);
}
