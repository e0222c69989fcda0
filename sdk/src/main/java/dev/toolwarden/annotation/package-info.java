/**
 * The annotations that mark methods for Toolwarden: {@link dev.toolwarden.annotation.Tool} and
 * {@link dev.toolwarden.annotation.Chat} choose what is woven, {@link dev.toolwarden.annotation.Timeout},
 * {@link dev.toolwarden.annotation.Cached} and {@link dev.toolwarden.annotation.Fallback} say how,
 * and the parameter annotations name the conversation, user and session a call belongs to.
 *
 * <p>The agent reads them from class files as classes load; no annotation type is ever loaded to
 * decide, so an application that does not have the SDK at run time is woven all the same.
 */
package dev.toolwarden.annotation;
