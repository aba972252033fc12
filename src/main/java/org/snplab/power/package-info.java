/** Remote power of the lab's hosts through their BMC (IPMI, Redfish) or a command: settings, drivers and actions. */
package org.snplab.power;
