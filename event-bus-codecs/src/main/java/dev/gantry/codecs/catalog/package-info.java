/**
 * Message records of the catalog service: requests, replies, their JSON forms and validation. No
 * behaviour beyond validation lives here. Starting points: the request records.
 */
package dev.gantry.codecs.catalog;
