/** Debian's nginx serving a folder: a real bundle server, with ETags and 304 answers to If-None-Match. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, waitForPort, type RunningProcess } from './processes.js';

export const NGINX = '/usr/sbin/nginx';

export interface StaticServer {
  readonly port: number;
  /** The URL of `file` in the served folder. */
  urlOf(file: string): string;
  stop(): Promise<void>;
}

/** Serves `root` on 127.0.0.1:`port` with nginx; its config, pid and logs go in `runDir`. */
export async function startStaticServer(root: string, runDir: string, port: number): Promise<StaticServer> {
  mkdirSync(runDir, { recursive: true });
  // Workers run as the user starting nginx (as root, nginx's default "nobody" could not read the temp folders).
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${runDir}/${k}-temp;`).join('\n');
  writeFileSync(
    join(runDir, 'nginx.conf'),
    `${user}worker_processes 1;\npid ${runDir}/nginx.pid;\nerror_log ${runDir}/error.log info;\nevents { worker_connections 256; }\n` +
      `http {\n  access_log ${runDir}/access.log;\n${temp}\n  server {\n    listen 127.0.0.1:${port};\n    root ${root};\n    etag on;\n  }\n}\n`,
  );
  const nginx: RunningProcess = startProcess('nginx', NGINX, ['-p', runDir, '-e', `${runDir}/error.log`, '-c', join(runDir, 'nginx.conf'), '-g', 'daemon off;']);
  await waitForPort(port, nginx);
  return { port, urlOf: (file) => `http://127.0.0.1:${port}/${file}`, stop: () => nginx.stop() };
}
