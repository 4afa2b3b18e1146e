// Imported first by both bench servers: V8 set up as `warden serve` sets it up, before any other
// module loads (see tuneHeapForServing).
import { tuneHeapForServing } from '../../src/server/serving-heap.js';

tuneHeapForServing();
