package dev.sluice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Streams PostgreSQL datasets over HTTP as NDJSON, CSV or JSON. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SluiceApplication {

    static {
        // reactor-netty requests this many chunks ahead of the socket (default 128).
        // Prefetch times chunk size is
        // what a stalled client can pin in memory; 16 x 32 KiB keeps it at half a MiB
        // without slowing fast readers.
        if (System.getProperty("reactor.netty.send.maxPrefetchSize") == null) {
            System.setProperty("reactor.netty.send.maxPrefetchSize", "16");
        }
    }

    public static void main(String[] args) {
        SpringApplication.run(SluiceApplication.class, args);
    }

}
