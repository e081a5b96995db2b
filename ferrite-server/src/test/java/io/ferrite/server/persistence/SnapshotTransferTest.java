package io.ferrite.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** SYNC / PSYNC after REPLCONF rdb-only 1: one RDB snapshot over the connection, as redis-cli --rdb takes it. */
class SnapshotTransferTest {
    @TempDir
    Path dir;

    private FerriteServer start() throws Exception {
        return FerriteServer.builder().port(0).set("dir", dir.toString()).set("save", "").start();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int ch;
        while ((ch = in.read()) != '\n') {
            if (ch < 0) throw new IOException("closed after " + sb);
            if (ch != '\r') sb.append((char) ch);
        }
        return sb.toString();
    }

    /** Sends REPLCONF rdb-only 1 and then syncCommand; returns the RDB bytes the server sent before closing. */
    private static byte[] fetch(int port, String syncCommand, String expectFirst) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("REPLCONF rdb-only 1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(line(in)).isEqualTo("+OK");
            out.write((syncCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
            String first = line(in);
            if (expectFirst != null) {
                assertThat(first).startsWith(expectFirst);
                first = line(in);
            }
            assertThat(first).startsWith("$");
            int len = Integer.parseInt(first.substring(1));
            byte[] rdb = in.readNBytes(len);
            assertThat(rdb).hasSize(len);
            assertThat(in.read()).as("closed after the snapshot").isEqualTo(-1);
            return rdb;
        }
    }

    @Test
    void syncAndPsyncSendOneSnapshotThatLoads() throws Exception {
        byte[] viaSync, viaPsync;
        try (FerriteServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("a", "1");
            j.rpush("l", "x", "y");
            j.select(2);
            j.hset("h", "f", "v");
            viaSync = fetch(s.port(), "SYNC", null);
            viaPsync = fetch(s.port(), "PSYNC ? -1", "+FULLRESYNC " + s.runId() + " 0");
            assertThat(j.ping()).isEqualTo("PONG"); // other clients are unaffected
        }
        assertThat(new String(viaSync, 0, 9, StandardCharsets.US_ASCII)).isEqualTo("REDIS0010");
        try (var files = Files.list(dir)) {
            assertThat(files).as("the temp snapshots are deleted once sent").isEmpty();
        }
        for (byte[] rdb : new byte[][] {viaSync, viaPsync}) {
            Files.write(dir.resolve("dump.rdb"), rdb);
            try (FerriteServer b = FerriteServer.builder().port(0).set("dir", dir.toString()).set("save", "")
                    .startPersistent(); Jedis j = new Jedis("127.0.0.1", b.port())) {
                assertThat(j.get("a")).isEqualTo("1");
                assertThat(j.lrange("l", 0, -1)).containsExactly("x", "y");
                j.select(2);
                assertThat(j.hget("h", "f")).isEqualTo("v");
            }
        }
    }

    @Test
    void aSyncWithoutRdbOnlyIsRefusedAndTheConnectionGoesOn() throws Exception {
        try (FerriteServer s = start(); Socket sock = new Socket("127.0.0.1", s.port())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            InputStream in = sock.getInputStream();
            out.write("SYNC\r\nPSYNC ? -1\r\nREPLCONF rdb-only\r\nREPLCONF rdb-only 2\r\nREPLCONF capa eof listening-port 1\r\nPING\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(line(in)).isEqualTo("-" + SnapshotTransfer.NO_REPLICATION.getMessage());
            assertThat(line(in)).isEqualTo("-" + SnapshotTransfer.NO_REPLICATION.getMessage());
            assertThat(line(in)).isEqualTo("-ERR syntax error");
            assertThat(line(in)).isEqualTo("-ERR syntax error");
            assertThat(line(in)).isEqualTo("+OK");
            assertThat(line(in)).isEqualTo("+PONG");
        }
    }

    @Test
    void redisCliRdbSavesABackup() throws Exception {
        String cli = null;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, "redis-cli").canExecute()) cli = new File(d, "redis-cli").getPath();
        }
        Assumptions.assumeTrue(cli != null, "redis-cli is not installed: skipping redis-cli --rdb");
        Path backup = Files.createDirectory(dir.resolve("backup")).resolve("dump.rdb");
        try (FerriteServer s = start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 1000; i++) j.set("k" + i, "v" + i);
            Process p = new ProcessBuilder(cli, "-p", Integer.toString(s.port()), "--rdb", backup.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        try (FerriteServer b = FerriteServer.builder().port(0).set("dir", backup.getParent().toString()).set("save", "")
                .startPersistent(); Jedis j = new Jedis("127.0.0.1", b.port())) {
            assertThat(j.dbSize()).isEqualTo(1000);
            assertThat(j.get("k999")).isEqualTo("v999");
        }
    }
}
