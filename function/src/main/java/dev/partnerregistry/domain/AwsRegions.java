package dev.partnerregistry.domain;

import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.GeneratedPartitionMetadataProvider;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * AWS's regions and their partitions as the AWS SDK's own metadata lists them ({@link Region#regions()},
 * the generated partition metadata), not a list of ours: a new region arrives with the SDK. Global
 * pseudo-regions ({@code aws-global}, ...) are not regions a bus lives in. Only the generated
 * providers are read, not {@code RegionMetadata.of}, whose loader also builds every service's
 * endpoint metadata (a cold-start cost the function does not need).
 */
public final class AwsRegions {

    private static final GeneratedPartitionMetadataProvider PARTITIONS = new GeneratedPartitionMetadataProvider();

    /**
     * Region id → its partition's metadata; a fixed map, so nothing keyed by a caller's value ever grows. Built on first
     * use, by the requests that name other regions: each of its 50-odd lookups matches the partitions' patterns, about
     * 10 ms of a cold start that needs only the registry's own region ({@link #registryPartitionOf}, {@link #endpointDomainOf}).
     */
    private static final class Known {
        static final Map<String, PartitionMetadata> REGIONS = Region.regions().stream()
                .filter(region -> !region.isGlobalRegion())
                .collect(Collectors.toUnmodifiableMap(Region::id, PARTITIONS::partitionMetadata, (a, b) -> a));
    }

    private AwsRegions() {
    }

    /** True for a region AWS has (per the SDK), not a global pseudo-region. */
    public static boolean isKnown(String region) {
        return Known.REGIONS.containsKey(region);
    }

    /** The partition of a known region ({@code aws}, {@code aws-cn}, ...), or null. */
    public static String partitionOf(String region) {
        PartitionMetadata partition = region == null ? null : Known.REGIONS.get(region);
        return partition == null ? null : partition.id();
    }

    /**
     * The partition of the region this registry is configured for: a known region's, else the one
     * whose region pattern it matches (the SDK's rule for regions newer than it), {@code aws} at last.
     */
    static String registryPartitionOf(String region) {
        return PARTITIONS.partitionMetadata(Region.of(region)).id();
    }

    /**
     * The domain of the endpoints of a region the registry calls (its own, or a bus's known region: {@code amazonaws.com},
     * {@code amazonaws.com.cn}, ...), by the same rule as {@link #registryPartitionOf}: one lookup, not the map.
     */
    public static String endpointDomainOf(String region) {
        return PARTITIONS.partitionMetadata(Region.of(region)).dnsSuffix();
    }
}
