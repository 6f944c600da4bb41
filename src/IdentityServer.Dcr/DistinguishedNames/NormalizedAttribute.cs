// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.DistinguishedNames;

/// <summary>
/// An attribute as <see cref="DistinguishedName.Matches"/> compares it: the OID, whether the value is binary, and
/// the value normalised by <see cref="AttributeValueNormalizer"/>. Totally ordered so that a name's attributes can be
/// sorted once and compared as multisets by walking two arrays.
/// </summary>
internal sealed class NormalizedAttribute
{
    /// <summary>Creates the comparison form of an attribute.</summary>
    /// <param name="attribute">The attribute.</param>
    internal NormalizedAttribute(DistinguishedNameAttribute attribute)
    {
        Oid = attribute.Oid;
        IsBinary = attribute.IsBinary;
        Value = attribute.IsBinary ? attribute.Value : AttributeValueNormalizer.Normalize(attribute.Value);
    }

    /// <summary>Gets the dotted OID.</summary>
    internal string Oid { get; }

    /// <summary>Gets a value indicating whether the value is the <c>#hex</c> form of a non-string value.</summary>
    internal bool IsBinary { get; }

    /// <summary>Gets the normalised value.</summary>
    internal string Value { get; }

    /// <summary>Orders attributes by OID (ordinal), then binary after text, then value (ordinal, ignoring case).</summary>
    /// <param name="x">The first attribute.</param>
    /// <param name="y">The second attribute.</param>
    /// <returns>Less than zero, zero or more than zero, as <see cref="IComparer{T}.Compare"/>.</returns>
    internal static int Compare(NormalizedAttribute x, NormalizedAttribute y)
    {
        var byOid = string.CompareOrdinal(x.Oid, y.Oid);
        if (byOid != 0)
        {
            return byOid;
        }

        var byKind = x.IsBinary.CompareTo(y.IsBinary);
        return byKind != 0 ? byKind : AttributeValueNormalizer.Comparer.Compare(x.Value, y.Value);
    }

    /// <summary>Gets a hash code consistent with <see cref="Compare"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.Ordinal.GetHashCode(Oid), IsBinary, AttributeValueNormalizer.Comparer.GetHashCode(Value));

    /// <summary>Whether another object is an equal attribute under <see cref="Compare"/>.</summary>
    /// <param name="obj">The other object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals(object? obj) => obj is NormalizedAttribute other && Compare(this, other) == 0;
}
