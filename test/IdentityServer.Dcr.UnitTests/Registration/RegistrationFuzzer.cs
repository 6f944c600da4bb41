// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.UnitTests.Registration;

/// <summary>One generated request and the mutations that made it.</summary>
internal sealed record FuzzCase(string? ContentType, byte[] Body, X509Certificate2? Certificate, string Description);

/// <summary>
/// A seeded mutation fuzzer for registration requests: starts from the fixture's valid SSA and request claims, applies
/// one to three random mutations (claim values of other JSON types, deleted, unknown and look-alike claims, odd
/// headers, broken compact serialisations, odd bodies, content types and certificates), and signs what it can so
/// that mutations reach the deep stages rather than dying at the signature check.
/// </summary>
internal sealed partial class RegistrationFuzzer : IDisposable
{
    private const string SsaPlaceholder = "__SSA__";

    private readonly RegistrationServiceFixture _fixture;
    private readonly Random _random;
    private readonly X509Certificate2 _otherCertificate;
    private readonly TestSigningKey _attackerKey = TestSigningKey.CreatePs256("attacker");
    private readonly long _now;

    public RegistrationFuzzer(RegistrationServiceFixture fixture, int seed)
    {
        _fixture = fixture;
        _random = new Random(seed);
        _now = fixture.Time.GetUtcNow().ToUnixTimeSeconds();
        _otherCertificate = fixture.Pki.IssueClientCertificate(new X500DistinguishedName("CN=attacker, OU=0015800001Attacker, O=OpenBanking, C=GB"));
    }

    public FuzzCase Next()
    {
        var log = new List<string>();
        var ssaClaims = new FuzzJsonDraft(_fixture.Directory.SoftwareStatementClaims(_fixture.Tpp));
        var ssaHeader = new FuzzJsonDraft(RawJws.HeaderFor(_fixture.Directory.SigningKey));
        var requestClaims = new FuzzJsonDraft(_fixture.Tpp.RegistrationClaims(SsaPlaceholder, RegistrationServiceFixture.Audience));
        var requestHeader = new FuzzJsonDraft(RawJws.HeaderFor(_fixture.Tpp.SigningKey));
        var ssaCompact = new List<Func<string, string>>();
        var requestCompact = new List<Func<string, string>>();
        var bodyTransforms = new List<Func<byte[], byte[]>>();
        string? contentType = "application/jose";
        var certificate = _fixture.Tpp.TransportCertificate;

        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            switch (_random.Next(100))
            {
                case < 22:
                    log.Add("request claim: " + MutateClaims(requestClaims, RequestClaimValues));
                    break;
                case < 42:
                    log.Add("ssa claim: " + MutateClaims(ssaClaims, SsaClaimValues));
                    break;
                case < 50:
                    log.Add("request header: " + MutateHeader(requestHeader));
                    break;
                case < 58:
                    log.Add("ssa header: " + MutateHeader(ssaHeader));
                    break;
                case < 64:
                    log.Add("request compact: " + MutateCompact(requestCompact));
                    break;
                case < 70:
                    log.Add("ssa compact: " + MutateCompact(ssaCompact));
                    break;
                case < 76:
                    log.Add("request bytes: " + MutateDocumentBytes(_random.Next(2) == 0 ? requestClaims : requestHeader));
                    break;
                case < 81:
                    log.Add("ssa bytes: " + MutateDocumentBytes(_random.Next(2) == 0 ? ssaClaims : ssaHeader));
                    break;
                case < 87:
                    log.Add("body: " + MutateBody(bodyTransforms));
                    break;
                case < 91:
                    log.Add("scenario: " + ApplyScenario(requestClaims, ssaClaims));
                    break;
                case < 95:
                    contentType = Pick(ContentTypes);
                    log.Add($"content type: {contentType ?? "(null)"}");
                    break;
                default:
                    certificate = _random.Next(2) == 0 ? null : _otherCertificate;
                    log.Add(certificate is null ? "no certificate" : "certificate of another TPP");
                    break;
            }
        }

        var ssa = RawJws.Sign(_fixture.Directory.SigningKey, ssaHeader.ToBytes(), ssaClaims.ToBytes());
        ssa = ssaCompact.Aggregate(ssa, (token, mutate) => mutate(token));
        if (requestClaims.Object["software_statement"] is JsonValue value && value.TryGetValue<string>(out var text) && text == SsaPlaceholder)
        {
            requestClaims.Object["software_statement"] = ssa;
        }

        var request = RawJws.Sign(_fixture.Tpp.SigningKey, requestHeader.ToBytes(), requestClaims.ToBytes());
        request = requestCompact.Aggregate(request, (token, mutate) => mutate(token));
        var body = bodyTransforms.Aggregate(Encoding.UTF8.GetBytes(request), (bytes, mutate) => mutate(bytes));
        return new FuzzCase(contentType, body, certificate, string.Join("; ", log));
    }

    public void Dispose()
    {
        _otherCertificate.Dispose();
        _attackerKey.Dispose();
    }

    private string MutateClaims(FuzzJsonDraft draft, IReadOnlyDictionary<string, string[]> interesting)
    {
        // Claims the engine reads are picked more often than the rest, so that typed reads are hammered.
        var name = _random.Next(5) < 3 ? Pick(interesting.Keys.ToList()) : Pick(draft.Names.Concat(interesting.Keys).Distinct().ToList());
        switch (_random.Next(10))
        {
            case 0:
                draft.Remove(name);
                return $"delete {name}";
            case 1:
                var unknown = Pick(["x-unknown", "__proto__", "constructor", "software_statement_2", RandomString(12), string.Empty]);
                var raw = RandomValue(0);
                draft.SetRaw(unknown, raw);
                return $"add unknown {FuzzJsonDraft.Quote(unknown)}={Short(raw)}";
            case 2:
                var lookalike = Pick(LookalikeNames(name));
                var duplicate = RandomValue(0);
                draft.AddRawMember(lookalike, duplicate);
                return $"look-alike member {lookalike}={Short(duplicate)} for {name}";
            case < 6 when interesting.TryGetValue(name, out var values):
                var chosen = Pick(values);
                draft.SetRaw(name, chosen);
                return $"{name}={Short(chosen)}";
            default:
                var other = RandomValue(0);
                draft.SetRaw(name, other);
                return $"{name}={Short(other)}";
        }
    }

    private string MutateHeader(FuzzJsonDraft header)
    {
        var (name, values) = Pick(HeaderValues);
        if (values.Length == 0)
        {
            header.Remove(name);
            return $"delete {name}";
        }

        var value = values[_random.Next(values.Length)];
        if (value == AttackerJwk)
        {
            value = _attackerKey.PublicJwkJson().ToJsonString();
        }

        header.SetRaw(name, value);
        return $"{name}={Short(value)}";
    }

    private string MutateCompact(List<Func<string, string>> mutations)
    {
        var kind = _random.Next(14);
        var position = _random.NextDouble();
        var character = Pick(OddCharacters);
        mutations.Add(kind switch
        {
            0 => t => t[..(int)(t.Length * position)],
            1 => t => ReplaceAt(t, position, character),
            2 => t => t.Remove(Index(t, position), 1),
            3 => t => t.Insert(Index(t, position), "."),
            4 => t => t + ".",
            5 => t => " \t" + t + "\r\n",
            6 => t => t.Insert(Index(t, position), character),
            7 => t => string.Join('.', t.Split('.').Select(s => s + "==")),
            8 => t => t[..(t.LastIndexOf('.') + 1)],
            9 => t => t[..t.LastIndexOf('.')],
            10 => t => t + ".AAAA.BBBB",
            11 => t => t.Replace('-', '+').Replace('_', '/'),
            12 => t => t[..(t.LastIndexOf('.') + 1)] + RawJws.Encode(new byte[_random.Next(2) == 0 ? 64 : 256]),
            _ => t => string.Join('.', t.Split('.').Reverse()),
        });
        return $"kind {kind} at {position:0.###} with {FuzzJsonDraft.Quote(character)}";
    }

    private string MutateDocumentBytes(FuzzJsonDraft draft)
    {
        var kind = _random.Next(8);
        var position = _random.NextDouble();
        draft.Transform(kind switch
        {
            0 => b => [0xEF, 0xBB, 0xBF, .. b],
            1 => b => Insert(b, position, Pick(InvalidUtf8)),
            2 => b => b[..(int)(b.Length * position)],
            3 => b => FlipBit(b, position),
            4 => b => Encoding.UTF8.GetBytes(Pick(WholeDocuments)),
            5 => b => [.. b, .. " garbage"u8],
            6 => b => [.. "\n\t "u8, .. b, .. "\n "u8],
            _ => b => Insert(b, Index(b, position), Pick(InvalidUtf8)),
        });
        return $"kind {kind} at {position:0.###}";
    }

    private string MutateBody(List<Func<byte[], byte[]>> transforms)
    {
        var kind = _random.Next(10);
        var position = _random.NextDouble();
        transforms.Add(kind switch
        {
            0 => b => [.. "\""u8, .. b, .. "\""u8],
            1 => b => [0xEF, 0xBB, 0xBF, .. b],
            2 => b => Insert(b, Index(b, position), Pick(InvalidUtf8)),
            3 => b => new byte[(64 * 1024) + 1],
            4 => _ => [],
            5 => _ => " \r\n\t"u8.ToArray(),
            6 => b => Encoding.UTF8.GetBytes("{\"request\":\"" + Encoding.UTF8.GetString(b) + "\"}"),
            7 => b => Encoding.UTF8.GetBytes("\"" + string.Concat(Encoding.UTF8.GetString(b).Select(c => $"\\u{(int)c:x4}")) + "\""),
            8 => b => Encoding.UTF8.GetBytes(Pick(["\"", "\"unterminated", "\"\\ud800\"", "null", "[]", "\"\"", "\"a.b.c\""])),
            _ => b => [.. b, 0, 0],
        });
        return $"kind {kind}";
    }

    /// <summary>Multi-claim changes that reach code behind a combination of claims: tls_client_auth with a DN, CIBA.</summary>
    private string ApplyScenario(FuzzJsonDraft request, FuzzJsonDraft ssa)
    {
        switch (_random.Next(4))
        {
            case 0:
            case 1:
                request.Object["token_endpoint_auth_method"] = "tls_client_auth";
                request.Remove("token_endpoint_auth_signing_alg");
                var dn = _random.Next(3) == 0
                    ? MutateText(_fixture.Tpp.TransportCertificate!.Subject)
                    : Pick(DistinguishedNames);
                request.SetRaw("tls_client_auth_subject_dn", dn.StartsWith('"') ? dn : FuzzJsonDraft.Quote(dn));
                return $"tls_client_auth dn={Short(dn)}";
            case 2:
                request.Object["grant_types"] = new JsonArray("urn:openid:params:grant-type:ciba", "client_credentials");
                request.Remove("response_types");
                request.Remove("redirect_uris");
                request.Object["backchannel_token_delivery_mode"] = Pick(["poll", "ping", "push", string.Empty]);
                request.SetRaw("backchannel_client_notification_endpoint", Pick(RequestClaimValues["redirect_uris"]).TrimStart('[').TrimEnd(']').Split(',')[0]);
                request.Object["backchannel_authentication_request_signing_alg"] = Pick(["PS256", "ES256", "none", "RS256"]);
                return "ciba";
            default:
                ssa.Object["software_redirect_uris"] = new JsonArray();
                request.SetRaw("redirect_uris", Pick(RequestClaimValues["redirect_uris"]));
                return "any redirect URI (empty software_redirect_uris)";
        }
    }

    private string MutateText(string text)
    {
        var position = _random.NextDouble();
        return _random.Next(3) switch
        {
            0 => ReplaceAt(text, position, Pick(OddCharacters)),
            1 => text.Insert(Index(text, position), Pick(["\\", "#", "+", "=", ",", "\"", "\\2", "\\zz", "#0C", ";"])),
            _ => text[..(int)(text.Length * position)],
        };
    }

    private string RandomValue(int depth)
    {
        switch (_random.Next(depth > 1 ? 5 : 9))
        {
            case 0:
                return Pick(Scalars);
            case 1:
                return Pick(Numbers).Replace("NOW", _now.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            case 2:
                return Pick(OddStrings);
            case 3:
                return FuzzJsonDraft.Quote(RandomString(_random.Next(1, 40)));
            case 4:
                return FuzzJsonDraft.Quote(new string(Pick(OddCharacters)[0], Pick([0, 1, 255, 256, 2049, 10_000])));
            case 5:
                return "[" + string.Join(',', Enumerable.Range(0, _random.Next(6)).Select(_ => RandomValue(depth + 1))) + "]";
            case 6:
                return "{" + string.Join(',', Enumerable.Range(0, _random.Next(4)).Select(i => $"\"k{i}\":{RandomValue(depth + 1)}")) + "}";
            default:
                var levels = Pick([31, 32, 33, 64, 1000]);
                return _random.Next(2) == 0
                    ? new string('[', levels) + new string(']', levels)
                    : string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels);
        }
    }

    private string RandomString(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(_random.Next(6) switch
            {
                0 => (char)_random.Next(0, 0x20),
                1 => (char)_random.Next(0xD800, 0xE000),
                2 => (char)_random.Next(0x80, 0x800),
                3 => (char)_random.Next(0xFFF0, 0x10000),
                _ => (char)_random.Next(0x20, 0x7F),
            });
        }

        return builder.ToString();
    }

    private static string[] LookalikeNames(string name) =>
    [
        FuzzJsonDraft.Quote(name),
        "\"" + string.Concat(name.Select(c => $"\\u{(int)c:x4}")) + "\"",
        FuzzJsonDraft.Quote(name.ToUpperInvariant()),
        FuzzJsonDraft.Quote(name + "\u200b"),
        FuzzJsonDraft.Quote(name + " "),
        FuzzJsonDraft.Quote(name + "\0"),
        FuzzJsonDraft.Quote(string.Concat(name.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 'a' + '\uFF41') : c))),
    ];

    private static string ReplaceAt(string text, double position, string replacement)
        => text.Length == 0 ? replacement : string.Concat(text.AsSpan(0, Index(text, position)), replacement, text.AsSpan(Index(text, position) + 1));

    private static int Index(string text, double position) => Math.Min(text.Length - 1, Math.Max(0, (int)(text.Length * position)));

    private static int Index(byte[] bytes, double position) => Math.Min(bytes.Length, Math.Max(0, (int)(bytes.Length * position)));

    private static byte[] Insert(byte[] bytes, int index, byte[] inserted) => [.. bytes.AsSpan(0, index), .. inserted, .. bytes.AsSpan(index)];

    private static byte[] Insert(byte[] bytes, double position, byte[] inserted) => Insert(bytes, Index(bytes, position), inserted);

    private byte[] FlipBit(byte[] bytes, double position)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var copy = (byte[])bytes.Clone();
        copy[Math.Min(copy.Length - 1, (int)(copy.Length * position))] ^= (byte)(1 << _random.Next(8));
        return copy;
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[_random.Next(values.Count)];

    private static string Short(string value) => value.Length <= 60 ? value : $"{value[..60]}…({value.Length})";
}
