using System.Collections.Immutable;
using NetTwin.Model;

namespace NetTwin.Formats.Ios;

/// <summary>The "crypto ..." global commands and their modes: IKEv2 proposals, policies, keyrings and profiles,
/// IPsec transform sets and profiles, crypto maps.</summary>
internal static class CryptoModes
{
    private static readonly HashSet<string> Ikev2Encryption = new(StringComparer.OrdinalIgnoreCase)
    {
        "aes-cbc-128", "aes-cbc-192", "aes-cbc-256", "aes-gcm-128", "aes-gcm-256", "3des", "des",
    };

    private static readonly HashSet<string> Ikev2Integrity = new(StringComparer.OrdinalIgnoreCase)
    {
        "md5", "sha1", "sha256", "sha384", "sha512",
    };

    private static readonly HashSet<int> DhGroups = [1, 2, 5, 14, 15, 16, 19, 20, 21, 24];

    public static Outcome Global(IosLine line, IosParseContext ctx)
    {
        var d = ctx.Device;
        if (line.Is("crypto", "ikev2", "proposal"))
        {
            var name = Name(line, 3, "proposal name");
            if (!d.Proposals.TryGetValue(name, out var b)) d.Proposals[name] = b = new Ikev2ProposalBuilder(name, line.Source);
            return Outcome.Enter(new ProposalMode(line, b));
        }
        if (line.Is("crypto", "ikev2", "policy"))
        {
            var name = Name(line, 3, "policy name");
            if (!d.Policies.TryGetValue(name, out var b)) d.Policies[name] = b = new Ikev2PolicyBuilder(name, line.Source);
            return Outcome.Enter(new PolicyMode(line, b));
        }
        if (line.Is("crypto", "ikev2", "keyring"))
        {
            var name = Name(line, 3, "keyring name");
            if (!d.Keyrings.TryGetValue(name, out var b)) d.Keyrings[name] = b = new KeyringBuilder(name, line.Source);
            return Outcome.Enter(new KeyringMode(line, b));
        }
        if (line.Is("crypto", "ikev2", "profile"))
        {
            var name = Name(line, 3, "profile name");
            if (!d.Profiles.TryGetValue(name, out var b)) d.Profiles[name] = b = new Ikev2ProfileBuilder(name, line.Source);
            return Outcome.Enter(new ProfileMode(line, b));
        }
        if (line.Is("crypto", "ipsec", "transform-set"))
        {
            var c = line.At(3);
            var name = c.Word("transform-set name");
            var transforms = Transforms(c);
            if (d.TransformSets.TryGetValue(name, out var b)) { b.Transforms = transforms; b.Source = line.Source; }
            else d.TransformSets[name] = b = new TransformSetBuilder(name, transforms, line.Source);
            return Outcome.Enter(new TransformSetMode(line, b));
        }
        if (line.Is("crypto", "ipsec", "profile"))
        {
            var name = Name(line, 3, "IPsec profile name");
            if (!d.IpsecProfiles.TryGetValue(name, out var b)) d.IpsecProfiles[name] = b = new IpsecProfileBuilder(name, line.Source);
            return Outcome.Enter(new IpsecProfileMode(line, b));
        }
        if (line.Is("crypto", "map")) return CryptoMap(line, ctx);
        if (line.Is("crypto", "isakmp") || line.Is("crypto", "keyring"))
            throw line.At(1).Unsupported("IKEv1 (crypto isakmp, crypto keyring) is not modelled: NetTwin models IKEv2");
        if (line.Is("crypto", "dynamic-map")) throw line.At(1).Unsupported("dynamic crypto maps are not modelled");
        return Outcome.NotMine;
    }

    private static string Name(IosLine line, int index, string what)
    {
        var c = line.At(index);
        var name = c.Word(what);
        c.End();
        return name;
    }

    private static ImmutableArray<string> Transforms(Cursor c)
    {
        var list = ImmutableArray.CreateBuilder<string>();
        while (!c.AtEnd)
        {
            var column = c.Column;
            var t = c.Word("transform").ToLowerInvariant();
            if (!IosGrammar.Transforms.Contains(t)) throw new IosLineException(column, $"'{t}' is not an IPsec transform IOS knows");
            if (IosGrammar.KeyedTransforms.Contains(t) && c.PeekNumber)
            {
                var keyColumn = c.Column;
                var bits = c.Int("key size", 0, 1024);
                if (bits is not (128 or 192 or 256)) throw new IosLineException(keyColumn, $"key size {bits} is not 128, 192 or 256");
                t += " " + bits;
            }
            list.Add(t);
        }
        if (list.Count == 0) throw c.Error("at least one transform expected (e.g. esp-aes 256 esp-sha256-hmac)");
        return list.ToImmutable();
    }

    private static Outcome CryptoMap(IosLine line, IosParseContext ctx)
    {
        var c = line.At(2);
        var name = c.Word("crypto map name");
        var d = ctx.Device;
        if (c.TryKeyword("local-address"))
        {
            var index = c.Index;
            var iface = c.Word("interface");
            c.End();
            ctx.Use(ReferenceKind.Interface, iface, line, index, $"crypto map {name} local-address");
            if (!d.CryptoMaps.TryGetValue(name, out var m)) d.CryptoMaps[name] = m = new CryptoMapBuilder(name, line.Source);
            m.LocalAddressInterface = iface;
            return Outcome.Done;
        }
        if (!c.PeekNumber) throw c.Unsupported($"'crypto map {name} {c.Peek}' is not modelled");
        var seq = c.Int("sequence number", 1, 65535);
        string? dynamicMap = null;
        if (!c.AtEnd)
        {
            if (!c.TryKeyword("ipsec-isakmp"))
                throw c.Unsupported($"crypto map entries of type '{c.Peek}' are not modelled (only ipsec-isakmp is)");
            if (c.TryKeyword("dynamic")) dynamicMap = c.Word("dynamic map name");
        }
        c.End();
        if (!d.CryptoMaps.TryGetValue(name, out var map)) d.CryptoMaps[name] = map = new CryptoMapBuilder(name, line.Source);
        if (!map.Entries.TryGetValue(seq, out var entry)) map.Entries[seq] = entry = new CryptoMapEntryBuilder(seq, dynamicMap, line);
        return Outcome.Enter(new CryptoMapMode(line, entry));
    }

    /// <summary>"set pfs [groupN]" (no group = group 1, the IOS default).</summary>
    internal static int Pfs(Cursor c)
    {
        if (c.AtEnd) return 1;
        var column = c.Column;
        var text = c.Word("PFS group");
        c.End();
        if (!IosValues.TryParseGroup(text, out var group) || !DhGroups.Contains(group))
            throw new IosLineException(column, $"'{text}' is not a Diffie-Hellman group IOS knows (group1, group2, group5, group14-16, group19-21, group24)");
        return group;
    }

    /// <summary>"set security-association lifetime seconds N | kilobytes N|disable".</summary>
    internal static (int? Seconds, long? Kilobytes, bool Disable) Lifetime(Cursor c)
    {
        if (!c.TryKeyword("lifetime")) throw c.Unsupported($"'set security-association {c.Line.Rest(c.Index)}' is not modelled");
        var unit = c.OneOf("lifetime unit", "seconds", "kilobytes", "days");
        if (unit == "days") throw new IosLineException(c.Column, "lifetime in days is not modelled", IosDiagnosticKind.NotUnderstood);
        if (unit == "kilobytes" && c.TryKeyword("disable")) { c.End(); return (null, null, true); }
        var value = unit == "seconds" ? c.Number("lifetime in seconds", 120, 2592000) : c.Number("lifetime in kilobytes", 2560, 4294967295);
        c.End();
        return unit == "seconds" ? ((int)value, null, false) : (null, value, false);
    }

    internal sealed class ProposalMode(IosLine header, Ikev2ProposalBuilder b) : Mode(header)
    {
        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (line.Is("encryption")) { Add(line, b.Encryption, Ikev2Encryption, "IKEv2 encryption algorithm"); return Outcome.Done; }
            if (line.Is("integrity")) { Add(line, b.Integrity, Ikev2Integrity, "IKEv2 integrity algorithm"); return Outcome.Done; }
            if (line.Is("prf")) { Add(line, b.Prf, Ikev2Integrity, "IKEv2 PRF algorithm"); return Outcome.Done; }
            if (line.Is("group"))
            {
                var c = line.At(1);
                var groups = new List<int>();
                do
                {
                    var column = c.Column;
                    var g = c.Int("Diffie-Hellman group", 1, 32);
                    if (!DhGroups.Contains(g)) throw new IosLineException(column, $"Diffie-Hellman group {g} is not one IOS knows");
                    groups.Add(g);
                } while (!c.AtEnd);
                foreach (var g in groups.Where(g => !b.Groups.Contains(g))) b.Groups.Add(g);
                return Outcome.Done;
            }
            return Outcome.NotMine;
        }

        private static void Add(IosLine line, List<string> target, HashSet<string> known, string what)
        {
            if (line.Count < 2) throw line.At(1).Error($"{what} expected");
            var values = new List<string>();
            for (var i = 1; i < line.Count; i++)
            {
                if (!known.Contains(line[i])) throw new IosLineException(line.Column(i), $"'{line[i]}' is not an {what} IOS knows");
                values.Add(line[i].ToLowerInvariant());
            }
            foreach (var v in values.Where(v => !target.Contains(v))) target.Add(v);
        }
    }

    internal sealed class PolicyMode(IosLine header, Ikev2PolicyBuilder b) : Mode(header)
    {
        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (line.Is("proposal"))
            {
                var c = line.At(1);
                var index = c.Index;
                var name = c.Word("proposal name");
                c.End();
                ctx.Use(ReferenceKind.Ikev2Proposal, name, line, index, $"IKEv2 policy {b.Name}");
                if (!b.Proposals.Contains(name)) b.Proposals.Add(name);
                return Outcome.Done;
            }
            if (line.Is("match", "address", "local"))
            {
                var c = line.At(3);
                var ip = c.Address("local address");
                c.End();
                b.MatchAddressLocal.Add(ip);
                return Outcome.Done;
            }
            if (line.Is("match", "fvrf", "any"))
            {
                ctx.Ignore(line, "every interface is in the global table in NetTwin");
                return Outcome.Done;
            }
            if (line.Is("match")) throw line.At(1).Unsupported($"'{line.Content}' is not modelled");
            return Outcome.NotMine;
        }
    }

    internal sealed class KeyringMode(IosLine header, KeyringBuilder b) : Mode(header)
    {
        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (!line.Is("peer")) return Outcome.NotMine;
            var c = line.At(1);
            var name = c.Word("peer name");
            c.End();
            var peer = b.Peers.FirstOrDefault(p => p.Name == name);
            if (peer is null) b.Peers.Add(peer = new KeyringPeerBuilder(name, line.Source));
            return Outcome.Enter(new KeyringPeerMode(line, peer));
        }
    }

    internal sealed class KeyringPeerMode(IosLine header, KeyringPeerBuilder b) : Mode(header)
    {
        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (line.Is("address"))
            {
                var c = line.At(1);
                if (!c.PeekAddress && !c.AtEnd && c.Peek!.Contains(':')) throw c.Unsupported("IPv6 peers are not modelled");
                var column = c.Column;
                var ip = c.Address("peer address");
                var length = c.AtEnd ? 32 : c.Mask("peer mask");
                c.End();
                b.Address = IosGrammar.Network(ip, length, column, "keyring peer address", ctx.WarnFor(line));
                return Outcome.Done;
            }
            if (line.Is("identity"))
            {
                b.Identity = line.At(1).Rest("identity");
                return Outcome.Done;
            }
            if (line.Is("pre-shared-key"))
            {
                var c = line.At(1);
                var which = c.TryKeyword("local") ? "local" : c.TryKeyword("remote") ? "remote" : "both";
                var encrypted = false;
                if (c.PeekNumber && c.Index + 1 < line.Count)
                {
                    var typeColumn = c.Column;
                    var type = c.Int("key type", 0, 7);
                    if (type is not (0 or 6 or 7)) throw new IosLineException(typeColumn, $"key type {type} is not 0, 6 or 7");
                    encrypted = type != 0;
                }
                var key = c.Rest("pre-shared key");
                if (which != "remote") b.LocalKey = key;
                if (which != "local") b.RemoteKey = key;
                b.Encrypted |= encrypted;
                if (encrypted) ctx.Warn(line, line.Indent + 1, "the pre-shared key is encrypted: NetTwin cannot compare it with the Azure connection's shared key");
                return Outcome.Done;
            }
            if (line.Is("description"))
            {
                ctx.Comment();
                return Outcome.Done;
            }
            if (line.Is("hostname")) throw line.At(0).Unsupported("keyring peers matched by host name are not modelled");
            return Outcome.NotMine;
        }
    }

    internal sealed class ProfileMode(IosLine header, Ikev2ProfileBuilder b) : Mode(header)
    {
        private static readonly KeywordSet Ignorable = new("dpd", "nat keepalive", "config-exchange", "no config-exchange",
            "match fvrf any", "description");

        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (line.Is("match", "identity", "remote", "address"))
            {
                var c = line.At(4);
                if (!c.PeekAddress && !c.AtEnd && c.Peek!.Contains(':')) throw c.Unsupported("IPv6 identities are not modelled");
                var column = c.Column;
                var ip = c.Address("remote identity address");
                // Without a mask the address is one host, except the IOS idiom "address 0.0.0.0", which matches any peer.
                var length = !c.AtEnd ? c.Mask("remote identity mask") : ip.Value == 0 ? 0 : 32;
                c.End();
                var prefix = IosGrammar.Network(ip, length, column, "match identity remote address", ctx.WarnFor(line));
                if (!b.MatchRemote.Contains(prefix)) b.MatchRemote.Add(prefix);
                return Outcome.Done;
            }
            if (line.Is("match", "address", "local"))
            {
                var c = line.At(3);
                if (c.TryKeyword("interface"))
                {
                    var index = c.Index;
                    var iface = c.Word("interface");
                    c.End();
                    ctx.Use(ReferenceKind.Interface, iface, line, index, $"IKEv2 profile {b.Name} match address local");
                    b.MatchLocalInterface = iface;
                }
                else
                {
                    var ip = c.Address("local address");
                    c.End();
                    b.MatchLocal = ip;
                }
                return Outcome.Done;
            }
            if (line.Is("identity", "local"))
            {
                b.IdentityLocal = line.At(2).Rest("local identity");
                return Outcome.Done;
            }
            if (line.Is("authentication"))
            {
                var c = line.At(1);
                var side = c.OneOf("authentication side", "local", "remote");
                var method = c.OneOf("authentication method", "pre-share", "rsa-sig", "ecdsa-sig", "eap");
                if (method == "pre-share" && c.TryKeyword("key")) c.Rest("key");
                else c.End();
                if (side == "local") b.AuthenticationLocal = method;
                else b.AuthenticationRemote = method;
                return Outcome.Done;
            }
            if (line.Is("keyring"))
            {
                var c = line.At(1);
                if (c.PeekIs("aaa")) throw c.Unsupported("AAA keyrings are not modelled");
                c.TryKeyword("local");
                var index = c.Index;
                var name = c.Word("keyring name");
                c.End();
                ctx.Use(ReferenceKind.Ikev2Keyring, name, line, index, $"IKEv2 profile {b.Name}");
                b.Keyring = name;
                return Outcome.Done;
            }
            if (line.Is("lifetime"))
            {
                var c = line.At(1);
                var seconds = c.Int("lifetime in seconds", 120, 86400);
                c.End();
                b.Lifetime = seconds;
                return Outcome.Done;
            }
            if (Ignorable.Matches(line))
            {
                ctx.Ignore(line, $"'{line.Content}' does not affect what NetTwin models");
                return Outcome.Done;
            }
            if (line.Is("match")) throw line.At(1).Unsupported($"'{line.Content}' is not modelled");
            return Outcome.NotMine;
        }
    }

    internal sealed class TransformSetMode(IosLine header, TransformSetBuilder b) : Mode(header)
    {
        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (!line.Is("mode")) return Outcome.NotMine;
            var c = line.At(1);
            var mode = c.OneOf("IPsec mode", "tunnel", "transport");
            c.TryKeyword("require");
            c.End();
            b.Mode = mode == "tunnel" ? IpsecMode.Tunnel : IpsecMode.Transport;
            return Outcome.Done;
        }
    }

    internal sealed class IpsecProfileMode(IosLine header, IpsecProfileBuilder b) : Mode(header)
    {
        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (line.Is("description")) { ctx.Comment(); return Outcome.Done; }
            if (line.Is("set", "transform-set"))
            {
                if (line.Count < 3) throw line.At(2).Error("transform-set name expected");
                b.TransformSets.Clear();
                for (var i = 2; i < line.Count; i++)
                {
                    ctx.Use(ReferenceKind.TransformSet, line[i], line, i, $"IPsec profile {b.Name}");
                    b.TransformSets.Add(line[i]);
                }
                return Outcome.Done;
            }
            if (line.Is("set", "ikev2-profile"))
            {
                var c = line.At(2);
                var index = c.Index;
                var name = c.Word("IKEv2 profile name");
                c.End();
                ctx.Use(ReferenceKind.Ikev2Profile, name, line, index, $"IPsec profile {b.Name}");
                b.Ikev2Profile = name;
                return Outcome.Done;
            }
            if (line.Is("set", "pfs")) { b.PfsGroup = Pfs(line.At(2)); return Outcome.Done; }
            if (line.Is("set", "security-association", "idle-time") || line.Is("set", "security-association", "replay"))
            {
                ctx.Ignore(line, $"'{line.Content}' does not affect what NetTwin models");
                return Outcome.Done;
            }
            if (line.Is("set", "security-association"))
            {
                var (seconds, kilobytes, disable) = Lifetime(line.At(2));
                if (seconds is not null) b.LifetimeSeconds = seconds;
                if (kilobytes is not null || disable) b.LifetimeKilobytes = kilobytes;
                return Outcome.Done;
            }
            if (line.Is("set") || line.Is("responder-only")) throw line.At(1).Unsupported($"'{line.Content}' is not modelled");
            return Outcome.NotMine;
        }
    }

    internal sealed class CryptoMapMode(IosLine header, CryptoMapEntryBuilder b) : Mode(header)
    {
        public override Outcome Handle(IosLine line, IosParseContext ctx)
        {
            if (line.Is("description")) { ctx.Comment(); return Outcome.Done; }
            if (line.Is("set", "peer"))
            {
                var c = line.At(2);
                if (!c.PeekAddress && !c.AtEnd) throw c.Unsupported("crypto map peers given as host names are not modelled");
                var ip = c.Address("peer address");
                var isDefault = c.TryKeyword("default");
                c.End();
                if (!b.Peers.Contains(ip))
                {
                    if (isDefault) b.Peers.Insert(0, ip);
                    else b.Peers.Add(ip);
                }
                return Outcome.Done;
            }
            if (line.Is("set", "transform-set"))
            {
                if (line.Count < 3) throw line.At(2).Error("transform-set name expected");
                b.TransformSets.Clear();
                for (var i = 2; i < line.Count; i++)
                {
                    ctx.Use(ReferenceKind.TransformSet, line[i], line, i, "crypto map");
                    b.TransformSets.Add(line[i]);
                }
                return Outcome.Done;
            }
            if (line.Is("set", "pfs")) { b.PfsGroup = Pfs(line.At(2)); return Outcome.Done; }
            if (line.Is("set", "ikev2-profile"))
            {
                var c = line.At(2);
                var index = c.Index;
                var name = c.Word("IKEv2 profile name");
                c.End();
                ctx.Use(ReferenceKind.Ikev2Profile, name, line, index, "crypto map");
                b.Ikev2Profile = name;
                return Outcome.Done;
            }
            if (line.Is("set", "security-association", "idle-time") || line.Is("set", "security-association", "replay"))
            {
                ctx.Ignore(line, $"'{line.Content}' does not affect what NetTwin models");
                return Outcome.Done;
            }
            if (line.Is("set", "security-association", "lifetime"))
            {
                var (seconds, kilobytes, disable) = Lifetime(line.At(2));
                if (seconds is not null) b.LifetimeSeconds = seconds;
                if (kilobytes is not null || disable) b.LifetimeKilobytes = kilobytes;
                return Outcome.Done;
            }
            if (line.Is("match", "address"))
            {
                var c = line.At(2);
                var index = c.Index;
                var acl = c.Word("access-list name");
                c.End();
                ctx.Use(ReferenceKind.AccessList, acl, line, index, "crypto map match address");
                b.MatchAddress = acl;
                return Outcome.Done;
            }
            if (line.Is("qos", "pre-classify"))
            {
                ctx.Ignore(line, "QoS does not affect what NetTwin models");
                return Outcome.Done;
            }
            if (line.Is("set") || line.Is("match") || line.Is("reverse-route"))
                throw line.At(0).Unsupported($"'{line.Content}' is not modelled");
            return Outcome.NotMine;
        }
    }
}
