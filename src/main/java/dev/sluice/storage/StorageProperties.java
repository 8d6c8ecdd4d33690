package dev.sluice.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code sluice.storage.*}: where export files go.
 *
 * @param type {@code local} (the default) or {@code s3}
 * @param local the local directory's settings
 * @param s3 the bucket's settings
 */
@ConfigurationProperties("sluice.storage")
public record StorageProperties(@DefaultValue("local") Type type, @DefaultValue Local local, @DefaultValue S3 s3) {

    public enum Type {

        LOCAL, S3

    }

    /**
     * @param directory where files are written (under a temporary name until complete)
     * @param checkpointSize how much is written between two checkpoints (fsync'ed
     * segments)
     */
    public record Local(@DefaultValue("sluice-exports") Path directory, @DefaultValue("8MB") DataSize checkpointSize) {
    }

    /**
     * @param bucket the bucket
     * @param prefix prepended to every key, such as {@code exports/}
     * @param endpoint an S3-compatible endpoint (MinIO, Ceph, ...), or null for AWS
     * @param region the region
     * @param pathStyleAccess {@code host/bucket/key} instead of {@code bucket.host/key}
     * @param accessKey the access key, or null for the AWS SDK's default credentials
     * chain
     * @param secretKey the secret key, with the access key
     * @param partSize the first parts' size (at least 5 MiB); later parts grow so that no
     * upload needs more than 10,000 parts
     * @param partsInFlight parts uploading at once per file: memory per running job is
     * about this many parts plus the one being filled
     * @param presignDuration how long a download URL stays valid
     */
    public record S3(@Nullable String bucket, @DefaultValue("") String prefix, @Nullable URI endpoint,
            @DefaultValue("us-east-1") String region, @DefaultValue("false") boolean pathStyleAccess,
            @Nullable String accessKey, @Nullable String secretKey, @DefaultValue("8MB") DataSize partSize,
            @DefaultValue("2") int partsInFlight, @DefaultValue("15m") Duration presignDuration) {
    }

}
