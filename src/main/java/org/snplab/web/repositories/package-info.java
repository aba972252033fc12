/** The repositories pages: the GitHub repositories snplab serves, and the admins' form to add, edit or remove one. */
package org.snplab.web.repositories;
