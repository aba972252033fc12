/** The runs list (filters, keyset pages) and a run's page with cancel and approve. */
package org.snplab.web.runs;
