package org.snplab.power;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.snplab.support.Eventually;

/**
 * Debian's BMC simulator {@code ipmi_sim} (OpenIPMI) on a loopback port, with one BMC whose {@code startcmd}
 * starts a process standing for the host: power on starts it, power off stops it (SIGTERM: no VM is connected to
 * its serial channel), cycle does both. Its files, state directory included, live in a temporary directory.
 */
final class IpmiSimulator implements AutoCloseable {

	static final String USER = "ipmiusr";

	static final String PASSWORD = "s3cret-bmc";

	final int port;

	private final Path dir;

	private final Process process;

	private IpmiSimulator(Path dir, int port, Process process) {
		this.dir = dir;
		this.port = port;
		this.process = process;
	}

	static IpmiSimulator start() throws IOException {
		return start(Files.createTempDirectory("snplab-ipmi-sim"), "sleep 100000", false);
	}

	/**
	 * @param dir where its files go
	 * @param host the command standing for the host (exec'd by a shell: no single quotes)
	 * @param on whether the host is powered on at the start
	 */
	static IpmiSimulator start(Path dir, String host, boolean on) throws IOException {
		int lanPort = freeUdpPort();
		int serialPort = freeTcpPort();
		// Power control needs the system interface (channel 15): a serial channel for a VM that never connects.
		Files.writeString(dir.resolve("lan.conf"), """
				name "snplabbmc"
				set_working_mc 0x20
				  startlan 1
				    addr 127.0.0.1 %d
				    priv_limit admin
				    allowed_auths_callback none md2 md5 straight
				    allowed_auths_user none md2 md5 straight
				    allowed_auths_operator none md2 md5 straight
				    allowed_auths_admin none md2 md5 straight
				    guid a123456789abcdefa123456789abcdef
				  endlan
				  serial 15 127.0.0.1 %d codec VM
				  startcmd "sh -c 'echo $$ > %s/host.pid; exec %s'"
				  startnow %s
				  poweroff_wait 1
				  kill_wait 2
				  user 2 true "%s" "%s" admin 10 none md2 md5 straight
				""".formatted(lanPort, serialPort, dir, host, on, USER, PASSWORD));
		Files.writeString(dir.resolve("bmc.emu"), """
				mc_setbmc 0x20
				mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
				mc_enable 0x20
				""");
		Files.createDirectories(dir.resolve("state"));
		Process process = new ProcessBuilder("ipmi_sim", "-c", dir.resolve("lan.conf").toString(), "-f",
				dir.resolve("bmc.emu").toString(), "-s", dir.resolve("state").toString(), "-n")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("ipmi_sim.log").toFile())
			.start();
		IpmiSimulator simulator = new IpmiSimulator(dir, lanPort, process);
		Eventually.await(Duration.ofSeconds(30), "ipmi_sim to answer on port " + lanPort, simulator::chassisPower,
				answer -> answer.contains("Chassis Power is"));
		return simulator;
	}

	/** What {@code ipmitool chassis power status} says now, read apart from snplab. */
	String chassisPower() {
		try {
			ProcessBuilder builder = new ProcessBuilder("ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p",
					Integer.toString(port), "-U", USER, "-E", "-C", "3", "chassis", "power", "status")
				.redirectErrorStream(true);
			builder.environment().putAll(Map.of("IPMI_PASSWORD", PASSWORD));
			Process ipmitool = builder.start();
			String output = new String(ipmitool.getInputStream().readAllBytes());
			ipmitool.waitFor(20, TimeUnit.SECONDS);
			return output;
		}
		catch (IOException ex) {
			return ex.toString();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	/** What ipmi_sim printed so far: for a failing test's message. */
	String log() {
		try {
			return Files.readString(dir.resolve("ipmi_sim.log"));
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	/** The process standing for the host, if it runs. */
	Optional<ProcessHandle> host() {
		try {
			Path pidFile = dir.resolve("host.pid");
			if (!Files.exists(pidFile)) {
				return Optional.empty();
			}
			String pid = Files.readString(pidFile).strip();
			return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	@Override
	public void close() throws InterruptedException {
		List<ProcessHandle> children = process.descendants().toList();
		process.destroy();
		if (!process.waitFor(5, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
		children.forEach(ProcessHandle::destroyForcibly);
		host().ifPresent(ProcessHandle::destroyForcibly);
	}

	private static int freeUdpPort() throws IOException {
		try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static int freeTcpPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}
}
