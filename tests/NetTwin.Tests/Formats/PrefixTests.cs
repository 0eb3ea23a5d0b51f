using CsCheck;
using NetTwin.Model;

namespace NetTwin.Tests.Formats;

public class PrefixTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("192.168.1.7/32", "192.168.1.7/32")]
    public void ParsesCanonicalPrefixes(string text, string expected) => Assert.Equal(expected, Prefix.Parse(text).ToString());

    [Theory]
    [InlineData("10.0.0.1/8", "The address prefix 10.0.0.1/8 has an invalid CIDR notation. For the given prefix length, the address prefix should be 10.0.0.0/8.")]
    [InlineData("10.0.0.0/33", "'10.0.0.0/33' is not a valid CIDR prefix: the length must be 0 to 32")]
    [InlineData("10.0.0/8", "'10.0.0/8' is not a valid CIDR prefix: '10.0.0' is not an IPv4 address")]
    [InlineData("10.0.0.0", "'10.0.0.0' is not a valid CIDR prefix (expected a.b.c.d/n)")]
    [InlineData("2001:db8::/32", "'2001:db8::/32' is an IPv6 prefix: IPv6 is not supported yet")]
    [InlineData("010.0.0.0/8", "'010.0.0.0/8' is not a valid CIDR prefix: '010.0.0.0' is not an IPv4 address")]
    public void RefusesWhatAzureRefuses(string text, string error)
    {
        Assert.False(Prefix.TryParse(text, out _, out var e));
        Assert.Equal(error, e);
    }

    [Fact]
    public void WithoutSplitsARangeAroundAHole()
    {
        var parts = Prefix.Parse("10.0.0.0/8").Without(Prefix.Parse("10.1.0.0/16")).Select(p => p.ToString()).Order().ToList();
        Assert.Equal(["10.0.0.0/16", "10.128.0.0/9", "10.16.0.0/12", "10.2.0.0/15", "10.32.0.0/11", "10.4.0.0/14", "10.64.0.0/10", "10.8.0.0/13"], parts);
    }

    [Fact]
    public void WithoutCoversExactlyTheRangeMinusTheHole()
    {
        var gen = Gen.Select(Gen.UInt, Gen.Int[0, 32], Gen.UInt, Gen.Int[0, 32]);
        gen.Sample((a, la, b, lb) =>
        {
            var outer = new Prefix(new Ipv4(a), la);
            var hole = new Prefix(new Ipv4(b), lb);
            var parts = outer.Without(hole).ToList();
            var expected = outer.Overlaps(hole) ? (hole.Contains(outer) ? 0UL : outer.Size - hole.Size) : outer.Size;
            Assert.Equal(expected, parts.Aggregate(0UL, (s, p) => s + p.Size));
            Assert.All(parts, p => { Assert.True(outer.Contains(p)); Assert.False(p.Overlaps(hole)); });
        }, iter: 2000);
    }

    [Fact]
    public void ParseRoundTrips()
    {
        Gen.Select(Gen.UInt, Gen.Int[0, 32]).Sample((a, l) =>
        {
            var p = new Prefix(new Ipv4(a), l);
            Assert.Equal(p, Prefix.Parse(p.ToString()));
        }, iter: 2000);
    }
}
