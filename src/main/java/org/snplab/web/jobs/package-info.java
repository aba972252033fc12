/** A job's page: live log over server-sent events, first error line, test report, files, attempts; a test's history. */
package org.snplab.web.jobs;
