/** Bare git mirrors of the repositories under test, read with JGit without a working tree. */
package org.snplab.git;
