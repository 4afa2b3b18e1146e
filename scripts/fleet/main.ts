/**
 * `npm run fleet`: a fleet of three Wardens on this machine (real redis-server and nginx, which must be
 * installed: `apt-get install redis-server nginx`), walked through a rollout, a tampered bundle, a
 * shared limit, a ban, a Redis outage and log shipping, with what each step measured.
 */
import { existsSync } from 'node:fs';
import { Fleet } from './fleet.js';
import { banAcross, recordsArrive, redisBack, redisDown, rollOut, rollOutTampered, servedRevisions, sharedLimit } from './fleet-scenario.js';
import { REDIS_SERVER } from './redis-server.js';
import { NGINX } from './static-server.js';

const missing = [REDIS_SERVER, NGINX].filter((binary) => !existsSync(binary));
if (missing.length > 0) {
  process.stderr.write(`npm run fleet needs ${missing.join(' and ')}: apt-get install redis-server nginx\n`);
  process.exit(2);
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const ms = (values: Array<number | undefined>) => values.map((v) => (v === undefined ? 'never' : `${v} ms`)).join(', ');

say('starting redis-server, nginx (bundle server), a decision-log collector and 3 replicas…');
const fleet = await Fleet.start();
try {
  say(`fleet in ${fleet.dir}: serving ${(await servedRevisions(fleet)).join(', ')}`);
  const rollout = await rollOut(fleet);
  say(`published ${rollout.revision}: replicas switched after ${ms(rollout.switchedAfterMs)} (poll every 1–2 s)`);
  for (const s of rollout.statuses) say(`  ${s.instance} /status: active_revision ${s.activeRevision}, last_successful_download ${s.lastDownload}, shared state ${s.sharedState}`);
  const tampered = await rollOutTampered(fleet);
  say(`published ${tampered.revision}, its data changed after signing: replicas serve ${tampered.served.join(', ')}; intruder allowed: ${tampered.intruderAllowed.join(', ')}`);
  for (const [i, line] of tampered.refusals.entries()) say(`  replica-${i + 1} logged: ${line?.trim() ?? '(nothing)'}`);
  const limit = await sharedLimit(fleet, 60);
  say(`shared limit of ${fleet.options.sharedBurst} payments.charge calls: 60 calls over 3 replicas, ${limit.allowed} allowed (${limit.allowedPerReplica.join(' + ')}); ${limit.fallbacks} Redis steps fell back to local state (budget ${fleet.options.redisBudgetMs} ms)`);
  const ban = await banAcross(fleet, 'intruder');
  say(`intruder banned on replica-1: ${ban.bannedOnFirst}; turned away by the others after ${ms(ban.seenAfterMs)}`);
  const down = await redisDown(fleet);
  say(`redis stopped: ${down.answered.flat().filter(Boolean).length}/${down.answered.flat().length} frontend calls allowed, slowest ${down.slowestMs} ms; fallbacks counted: ${down.fallbacks.join(', ')}`);
  const back = await redisBack(fleet);
  say(`redis started again: replicas connected after ${ms(back.upAfterMs)}`);
  const again = await banAcross(fleet, 'prowler');
  say(`prowler banned on replica-1: ${again.bannedOnFirst}; turned away by the others after ${ms(again.seenAfterMs)}`);
  const records = await recordsArrive(fleet, fleet.decisionIds);
  say(`decision records at the collector: ${Object.entries(records.perReplica).map(([id, n]) => `${id} ${n}`).join(', ')}; missing ${records.missing.length} of ${fleet.decisionIds.length}`);
} finally {
  await fleet.stop();
}
