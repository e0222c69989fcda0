/**
 * The bridge between woven code and the Toolwarden runtime. With the agent running these classes
 * sit on the bootstrap class path, visible to every class loader; the runtime behind them lives in
 * the agent's isolated class loader. Not an application API.
 */
package dev.toolwarden.bootstrap;
