package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class CopyFeedTests {

    private final List<ByteBuf> made = new ArrayList<>();

    private int left = 3;

    @Test
    void handsOverOneChunkPerInnerPublisherUntilTheSourceIsRead() {
        CopyFeed feed = new CopyFeed(() -> this.left == 0, this::next, Schedulers.immediate());
        List<String> chunks = feed.chunks()
            .concatMap((inner) -> Mono.from(inner).map(CopyFeedTests::text))
            .collectList()
            .block();
        assertThat(chunks).containsExactly("chunk 3", "chunk 2", "chunk 1");
    }

    @Test
    void afterTheCopyEndedAChunkIsReleasedAndTheInnerPublisherFails() {
        CopyFeed feed = new CopyFeed(() -> this.left == 0, this::next, Schedulers.immediate());
        Publisher<ByteBuf> first = feed.chunks().blockFirst();
        feed.end();
        Mono.from(first).as(StepVerifier::create).expectError(CancellationException.class).verify();
        assertThat(this.made).hasSize(1);
        assertThat(this.made.get(0).refCnt()).as("the chunk read after the end was released").isZero();
    }

    @Test
    void anEmptyReadBeforeTheEndIsAnEmptyChunkNotAFailure() {
        CopyFeed feed = new CopyFeed(() -> false, () -> null, Schedulers.immediate());
        Flux.from(feed.chunks().blockFirst()).as(StepVerifier::create).verifyComplete();
    }

    private ByteBuf next() {
        ByteBuf chunk = Unpooled.copiedBuffer("chunk " + this.left--, StandardCharsets.UTF_8);
        this.made.add(chunk);
        return chunk;
    }

    private static String text(ByteBuf chunk) {
        try {
            return chunk.toString(StandardCharsets.UTF_8);
        }
        finally {
            chunk.release();
        }
    }

}
