export { ConsoleError, type ConsoleErrorCode } from './errors.js';
export { consoleSettings, type ConsoleConfig, type ConsoleSettings } from './console-config.js';
export { startConsoleServer, SESSION_COOKIE, type ConsoleServer, type ConsoleServerOptions } from './console-server.js';
export { startConsole, type ConsoleParts } from './console-setup.js';
export { DecisionFeed, HeldDecision, type DecisionFeedOptions, type HeldRecord } from './decision-feed.js';
export { CONSOLE_CSP, CONSOLE_HEADERS } from './security-headers.js';
export { CSRF_HEADER } from './request-guards.js';
export { CONSOLE_WEB_ROOT } from './web-root.js';
