/** Runs an embedded PostgreSQL when no {@code spring.datasource.url} is given. */
package org.snplab.database;
