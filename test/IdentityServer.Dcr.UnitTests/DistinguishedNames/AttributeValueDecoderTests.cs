// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.DistinguishedNames;

namespace IdentityServer.Dcr.UnitTests.DistinguishedNames;

[TestFixture]
public sealed class AttributeValueDecoderTests
{
    [TestCase("13024742", "GB", TestName = "TryDecode_PrintableString_ReturnsText")]
    [TestCase("0C03E282AC", "€", TestName = "TryDecode_Utf8String_ReturnsText")]
    [TestCase("1203313233", "123", TestName = "TryDecode_NumericString_ReturnsText")]
    [TestCase("1A024742", "GB", TestName = "TryDecode_VisibleString_ReturnsText")]
    [TestCase("1602406F", "@o", TestName = "TryDecode_Ia5String_ReturnsText")]
    [TestCase("1401E9", "é", TestName = "TryDecode_T61StringLatin1_ReturnsText")]
    [TestCase("1402C3A9", "é", TestName = "TryDecode_T61StringUtf8_ReturnsText")]
    [TestCase("1E0220AC", "€", TestName = "TryDecode_BmpString_ReturnsText")]
    [TestCase("1C040001F600", "😀", TestName = "TryDecode_UniversalStringAstral_ReturnsText")]
    [TestCase("2C80040247420000", "GB", TestName = "TryDecode_ConstructedIndefiniteUtf8String_ReturnsText")]
    public void TryDecode_DirectoryString_ReturnsText(string hex, string expected)
    {
        // Arrange
        var encoded = Convert.FromHexString(hex);

        // Act
        var ok = AttributeValueDecoder.TryDecode(encoded, out var value);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(value, Is.EqualTo(expected));
        });
    }

    [TestCase("0402ABCD", TestName = "TryDecode_OctetString_ReturnsNullValue")]
    [TestCase("020101", TestName = "TryDecode_Integer_ReturnsNullValue")]
    [TestCase("3000", TestName = "TryDecode_Sequence_ReturnsNullValue")]
    [TestCase("800141", TestName = "TryDecode_ContextTag_ReturnsNullValue")]
    public void TryDecode_NonStringValue_ReturnsNullValue(string hex)
    {
        // Arrange
        var encoded = Convert.FromHexString(hex);

        // Act
        var ok = AttributeValueDecoder.TryDecode(encoded, out var value);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(value, Is.Null);
        });
    }

    [TestCase("", TestName = "TryDecode_Empty_ReturnsFalse")]
    [TestCase("13", TestName = "TryDecode_TagOnly_ReturnsFalse")]
    [TestCase("130547", TestName = "TryDecode_LengthPastEnd_ReturnsFalse")]
    [TestCase("1302474200", TestName = "TryDecode_TrailingBytes_ReturnsFalse")]
    [TestCase("0C01FF", TestName = "TryDecode_InvalidUtf8_ReturnsFalse")]
    [TestCase("130140", TestName = "TryDecode_PrintableStringWithAt_ReturnsFalse")]
    [TestCase("1E01AA", TestName = "TryDecode_OddBmpString_ReturnsFalse")]
    [TestCase("1C0400110000", TestName = "TryDecode_UniversalStringAboveUnicode_ReturnsFalse")]
    [TestCase("1C040000D800", TestName = "TryDecode_UniversalStringSurrogate_ReturnsFalse")]
    public void TryDecode_Malformed_ReturnsFalse(string hex)
    {
        // Arrange
        var encoded = Convert.FromHexString(hex);

        // Act
        var ok = AttributeValueDecoder.TryDecode(encoded, out _);

        // Assert
        Assert.That(ok, Is.False);
    }
}
