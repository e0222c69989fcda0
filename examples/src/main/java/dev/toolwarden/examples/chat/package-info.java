/**
 * A small chat application in the spirit of the reference design: a {@code ChatManager} that
 * handles the messages of scripted conversations and a {@code ToolOrchestrator} that calls tools
 * (a fast calculator, a slower web-search stand-in, a weather look-up). It is written as an
 * ordinary application would be; Toolwarden's annotations are all it has of Toolwarden, but for
 * the summary it reads through the SDK at the end.
 */
package dev.toolwarden.examples.chat;
