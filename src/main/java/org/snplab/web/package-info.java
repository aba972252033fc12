/** The dashboard's pages and what the JSON API shares: error answers. */
package org.snplab.web;
