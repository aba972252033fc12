/** Who may do what: users and roles, login, and the rules for pages, the JSON API and agents. */
package org.snplab.security;
