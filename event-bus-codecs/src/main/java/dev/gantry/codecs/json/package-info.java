/** Vert.x's JSON codec as Gantry installs it: jackson-core first, jackson-databind only when needed. */
package dev.gantry.codecs.json;
