/**
 * Message records of the inventory service: requests, replies, their JSON forms and validation. No
 * behaviour beyond validation lives here. Starting points: the request records.
 */
package dev.gantry.codecs.inventory;
