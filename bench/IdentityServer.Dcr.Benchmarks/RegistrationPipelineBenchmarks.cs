// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using BenchmarkDotNet.Attributes;
using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Tokens;

namespace IdentityServer.Dcr.Benchmarks;

/// <summary>The registration hot path, piece by piece and whole (no HTTP, no database).</summary>
[MemoryDiagnoser]
public class RegistrationPipelineBenchmarks
{
    private const string ObwacDn = "CN=0015800001041RbAAI,organizationIdentifier=PSDGB-OB-Unknown0015800001041RbAAI,O=Open Banking Limited (A),C=GB";
    private const string ReorderedDn = "C=GB; O=Open Banking Limited (A); 2.5.4.97=PSDGB-OB-Unknown0015800001041RbAAI; CN=0015800001041RbAAI";

    private PipelineFixture _ps256 = null!;
    private PipelineFixture _es256 = null!;
    private string _ssa = null!;
    private string _request = null!;
    private string _esRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ps256 = new PipelineFixture(TestSigningKey.CreatePs256());
        _es256 = new PipelineFixture(TestSigningKey.CreateEs256());
        _request = System.Text.Encoding.UTF8.GetString(_ps256.Body);
        _esRequest = System.Text.Encoding.UTF8.GetString(_es256.Body);
        CompactJws.TryParse(_request, 65536, out var jws, out _);
        _ssa = jws!.Payload.GetProperty("software_statement").GetString()!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ps256.Dispose();
        _es256.Dispose();
    }

    [Benchmark(Description = "SSA: parse + PS256 verify")]
    public bool SoftwareStatementVerification()
    {
        CompactJws.TryParse(_ssa, 16384, out var jws, out _);
        return JwsVerifier.TryVerify(jws!, _ps256.Directory.SigningKey.PublicJwk, ["PS256"], out _);
    }

    [Benchmark(Description = "Request: parse + PS256 verify")]
    public bool RequestVerificationPs256()
    {
        CompactJws.TryParse(_request, 65536, out var jws, out _);
        return JwsVerifier.TryVerify(jws!, _ps256.Tpp.SigningKey.PublicJwk, ["PS256"], out _);
    }

    [Benchmark(Description = "Request: parse + ES256 verify")]
    public bool RequestVerificationEs256()
    {
        CompactJws.TryParse(_esRequest, 65536, out var jws, out _);
        return JwsVerifier.TryVerify(jws!, _es256.Tpp.SigningKey.PublicJwk, ["ES256"], out _);
    }

    [Benchmark(Description = "Claims: client metadata validation (OBIE 3.3 rules)")]
    public async Task<bool> ClaimValidation()
    {
        var result = await _ps256.MetadataValidator.ValidateAsync(_ps256.ValidatedContext, CancellationToken.None);
        return result.Succeeded ? true : throw new InvalidOperationException(result.Error!.ErrorDescription);
    }

    [Benchmark(Description = "DN: parse two spellings + match")]
    public bool DistinguishedNameMatch() => DistinguishedName.Parse(ObwacDn).Matches(DistinguishedName.Parse(ReorderedDn));

    [Benchmark(Description = "Whole engine pipeline, PS256 (no HTTP, no DB)")]
    public Task<bool> WholePipelinePs256() => RegisterAsync(_ps256);

    [Benchmark(Description = "Whole engine pipeline, ES256 (no HTTP, no DB)")]
    public Task<bool> WholePipelineEs256() => RegisterAsync(_es256);

    private static async Task<bool> RegisterAsync(PipelineFixture fixture)
    {
        var result = await fixture.Service.RegisterAsync(fixture.Request, CancellationToken.None);
        return result.Succeeded ? true : throw new InvalidOperationException(result.Error!.ErrorDescription);
    }
}
