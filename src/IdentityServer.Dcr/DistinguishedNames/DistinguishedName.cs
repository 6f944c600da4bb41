// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// An X.501 distinguished name, parsed from a string (for example the OBIE <c>tls_client_auth_subject_dn</c>) or
/// read from a certificate, and compared the way a human reads it: attribute order, separators, attribute-type
/// spellings, escaping, quoting and letter case do not matter.
/// </summary>
/// <remarks>
/// <para>
/// Parsing accepts RFC 4514/2253 (<c>CN=a,O=b</c>), RFC 1779 and .NET (<c>CN=a, O="b, c"</c>, <c>;</c>,
/// <c>OID.2.5.4.97=…</c>) and the OpenSSL one-line form (<c>/C=GB/O=b/CN=a</c>); see <see cref="TryParse"/>.
/// </para>
/// <para>
/// <see cref="Matches"/> compares two names as multisets of attributes. An attribute matches when the OIDs are equal
/// and the values are equal under X.520 <c>caseIgnoreMatch</c>: Unicode NFKC, whitespace runs folded to one space,
/// leading and trailing whitespace removed, then compared ordinally ignoring case. RDN order and the grouping of
/// attributes into multi-valued RDNs are ignored. <see cref="Equals(DistinguishedName)"/> and
/// <see cref="GetHashCode"/> agree with <see cref="Matches"/>.
/// </para>
/// </remarks>
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    // The attributes in comparison form, sorted by NormalizedAttribute.Compare.
    private readonly NormalizedAttribute[] _sorted;

    private DistinguishedName(IReadOnlyList<RelativeDistinguishedName> relativeNames)
    {
        RelativeNames = Array.AsReadOnly(relativeNames.ToArray());
        _sorted = [.. relativeNames.SelectMany(rdn => rdn.Attributes).Select(a => new NormalizedAttribute(a))];
        Array.Sort(_sorted, NormalizedAttribute.Compare);
    }

    /// <summary>
    /// Gets the RDNs, in the order written (or, for <see cref="FromX500"/>, the order of
    /// <see cref="X500DistinguishedName.Name"/>).
    /// </summary>
    public IReadOnlyList<RelativeDistinguishedName> RelativeNames { get; }

    /// <summary>Parses the string form of a distinguished name. Never throws.</summary>
    /// <param name="value">
    /// The string form, at most 4096 characters: attributes <c>type=value</c> separated by <c>,</c> or <c>;</c>
    /// (or, when the string starts with <c>/</c>, by <c>/</c>), joined into multi-valued RDNs by <c>+</c>. A type is a
    /// name known to <see cref="DistinguishedNameAttributeTypes"/> (any case) or a dotted OID, optionally prefixed
    /// <c>OID.</c>. A value is a string with RFC 4514 escapes (<c>\,</c>, <c>\2C</c>, ...), a quoted string, or
    /// <c>#</c> and the hex of a BER-encoded directory string.
    /// </param>
    /// <param name="name">The name when the method returns <see langword="true"/>.</param>
    /// <returns>
    /// <see langword="false"/> for <see langword="null"/>, empty or over-long input, an unknown attribute name, an
    /// attribute without <c>=</c>, an empty RDN, a dangling or unknown escape, bad hex, or hex that is not UTF-8 or
    /// not a single BER value.
    /// </returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out DistinguishedName? name)
    {
        name = DistinguishedNameParser.TryParse(value, out var relativeNames) ? new DistinguishedName(relativeNames) : null;
        return name is not null;
    }

    /// <summary>Parses the string form of a distinguished name, as <see cref="TryParse"/> does.</summary>
    /// <param name="value">The string form.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a well-formed distinguished name.</exception>
    public static DistinguishedName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var name)
            ? name
            : throw new FormatException("The value is not a well-formed distinguished name.");
    }

    /// <summary>
    /// Reads an encoded name, typically <see cref="X509Certificate2.SubjectName"/> of the certificate presented over
    /// mutual TLS, from its RDNs rather than its platform-dependent display string.
    /// </summary>
    /// <param name="name">The encoded name.</param>
    /// <returns>
    /// The name. Values that are not character strings are kept as binary (<see cref="DistinguishedNameAttribute.IsBinary"/>).
    /// An empty subject gives a name without RDNs.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="CryptographicException"><paramref name="name"/> is not a valid DER encoding.</exception>
    public static DistinguishedName FromX500(X500DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new DistinguishedName(X500NameConverter.ReadRelativeNames(name));
    }

    /// <summary>Whether both names have the same attributes, in any order (see the type remarks for how values compare).</summary>
    /// <param name="other">The other name.</param>
    /// <returns><see langword="true"/> when every attribute of each name is in the other, as many times.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    public bool Matches(DistinguishedName other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _sorted.Length == other._sorted.Length && IsSubsetOf(other);
    }

    /// <summary>
    /// Whether every attribute of this name is in <paramref name="other"/> (as many times), which may have more. For
    /// a bank that registers only the stable part of a subject (for example <c>O</c>, <c>organizationIdentifier</c>
    /// and <c>CN</c>) and accepts certificates that add attributes.
    /// </summary>
    /// <remarks>
    /// Call it on the required name with the presented one as argument: <c>required.IsSubsetOf(presented)</c>. A name
    /// without attributes (possible only from <see cref="FromX500"/> of an empty subject) is a subset of every name.
    /// </remarks>
    /// <param name="other">The name that must contain this one.</param>
    /// <returns><see langword="true"/> when this name's attributes are a sub-multiset of <paramref name="other"/>'s.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    public bool IsSubsetOf(DistinguishedName other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var j = 0;
        foreach (var attribute in _sorted)
        {
            while (j < other._sorted.Length && NormalizedAttribute.Compare(other._sorted[j], attribute) < 0)
            {
                j++;
            }

            if (j == other._sorted.Length || NormalizedAttribute.Compare(other._sorted[j], attribute) != 0)
            {
                return false;
            }

            j++;
        }

        return true;
    }

    /// <summary>Gets the first value of an attribute type, in the order of <see cref="RelativeNames"/>.</summary>
    /// <param name="attributeOid">
    /// The dotted OID (see <see cref="DistinguishedNameAttributeTypes"/>); a name such as <c>CN</c> or
    /// <c>organizationIdentifier</c> is accepted too.
    /// </param>
    /// <returns>The value as decoded (not normalised), or <see langword="null"/> when the name has no such attribute.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="attributeOid"/> is <see langword="null"/>.</exception>
    public string? GetValue(string attributeOid)
    {
        ArgumentNullException.ThrowIfNull(attributeOid);
        var oid = DistinguishedNameAttributeTypes.TryGetOid(attributeOid, out var resolved) ? resolved : attributeOid;
        return RelativeNames.SelectMany(rdn => rdn.Attributes).FirstOrDefault(a => a.Oid == oid)?.Value;
    }

    /// <summary>
    /// Formats the name as RFC 4514 does, in the order of <see cref="RelativeNames"/>: <c>,</c> between RDNs, <c>+</c>
    /// inside multi-valued ones, short type names where known (<see cref="DistinguishedNameAttributeTypes.GetShortName"/>)
    /// and dotted OIDs otherwise, special and control characters escaped. The result parses back to an equal name
    /// when it is within the input limit of <see cref="TryParse"/> (4096 characters): escaping makes the string longer
    /// than the value, up to six characters for one control character.
    /// </summary>
    /// <returns>
    /// The string form, for example
    /// <c>CN=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=Open Banking
    /// Limited,C=GB</c>.
    /// </returns>
    public override string ToString() => DistinguishedNameFormatter.Format(RelativeNames);

    /// <summary>Whether another name <see cref="Matches"/> this one.</summary>
    /// <param name="other">The other name.</param>
    /// <returns><see langword="true"/> when the names match.</returns>
    public bool Equals(DistinguishedName? other) => other is not null && Matches(other);

    /// <summary>Whether another object is a <see cref="DistinguishedName"/> that <see cref="Matches"/> this one.</summary>
    /// <param name="obj">The other object.</param>
    /// <returns><see langword="true"/> when the names match.</returns>
    public override bool Equals(object? obj) => obj is DistinguishedName other && Matches(other);

    /// <summary>Gets a hash code consistent with <see cref="Matches"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var attribute in _sorted)
        {
            hash.Add(attribute);
        }

        return hash.ToHashCode();
    }
}
