package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Regions and partitions as the AWS SDK's metadata has them. */
class AwsRegionsTest {

    @Test
    void eachKnownRegionHasItsPartition() {
        assertEquals("aws", AwsRegions.partitionOf("eu-west-1"));
        assertEquals("aws-cn", AwsRegions.partitionOf("cn-north-1"));
        assertEquals("aws-us-gov", AwsRegions.partitionOf("us-gov-west-1"));
    }

    @Test
    void inventedAndPseudoRegionsAreNotKnown() {
        for (String region : new String[] {"zz-zz-evil_host", "zz-zz-1", "aws-global", "aws-cn-global", "", "us-east-1 "}) {
            assertFalse(AwsRegions.isKnown(region), region);
            assertNull(AwsRegions.partitionOf(region), region);
        }
        assertNull(AwsRegions.partitionOf(null));
        assertTrue(AwsRegions.isKnown("us-east-1"));
    }

    @Test
    void theRegistrysOwnRegionFindsItsPartitionEvenWhenNewerThanTheSdk() {
        assertEquals("aws-cn", AwsRegions.registryPartitionOf("cn-north-1"));
        assertEquals("aws-cn", AwsRegions.registryPartitionOf("cn-south-9"), "by the partition's region pattern");
        assertEquals("aws", AwsRegions.registryPartitionOf("us-east-1"));
    }

    @Test
    void anEndpointsDomainIsItsPartitionsForAKnownRegionAndOneNewerThanTheSdk() {
        for (String region : new String[] {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "cn-south-9"}) {
            assertEquals(region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com", AwsRegions.endpointDomainOf(region), region);
        }
    }
}
