/** Test reports: parsed JUnit files per job, failing cases, a test's history and flakiness across runs. */
package org.snplab.results.tests;
