/** The tokens page: a logged-in user's API tokens, made (and shown once) and revoked there. */
package org.snplab.web.tokens;
