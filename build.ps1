# Copyright (c) IdentityServer.Dcr contributors.
# Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

<#
.SYNOPSIS
    Restores, builds, tests and packs IdentityServer.Dcr.

.DESCRIPTION
    Runs dotnet restore / build / test / pack on IdentityServer.Dcr.sln.

    Steps are chosen with verbs (restore, build, test, pack) or with the matching switches;
    both may be mixed. With neither, the script builds. build, test and pack imply restore and
    build first, unless -NoBuild is given.

    Projects that cannot always be restored (the Duende adapter needs Duende.IdentityServer
    packages that nuget.org may not serve to you) opt in to being skipped by setting

        <PropertyGroup>
          <SkipWhenUnrestorable>true</SkipWhenUnrestorable>
        </PropertyGroup>

    in their csproj (the property is read from the csproj XML, not evaluated by MSBuild, so it
    must be a literal 'true' in the project file itself). Before the solution is restored, each
    such project is restored on its own; if that fails, a NOTICE is printed and the project,
    and every project of the solution that references it directly or transitively, is left out
    through a temporary solution filter (artifacts/obj/IdentityServer.Dcr.filtered.slnf).
    Restore failures of any other project fail the build as usual.

    Test results: console output at normal verbosity and one .trx file per test project in
    artifacts/test-results. After the run the script prints one line

        N passed, M failed[, K skipped]

    computed from the .trx files, and exits non-zero if any test failed or if no test ran.

.PARAMETER Verbs
    Any of restore, build, test, pack, in any order. Default: build.

.PARAMETER Restore
    Restore packages. Same as the verb 'restore': given alone, it restores only.

.PARAMETER NoBuild
    Skip the restore and build that build/test/pack would otherwise imply; test and pack then use
    the outputs of an earlier build of the same -Configuration.

.PARAMETER Test
    Run the tests. Same as the verb 'test'.

.PARAMETER Pack
    Create NuGet packages in artifacts/packages. Same as the verb 'pack'.

.PARAMETER Integration
    Run only the tests marked [Category("Integration")]. Implies -Test.

.PARAMETER Configuration
    Debug or Release. Default: Release.

.PARAMETER Source
    Extra NuGet package sources (URLs or local folders), for example a private feed that serves
    the Duende.IdentityServer packages. Separate several with commas or semicolons. Each is
    passed to dotnet restore as --source, together with nuget.org.

.PARAMETER Filter
    A dotnet test --filter expression, for example 'FullyQualifiedName~Stores'. Combined with
    -Integration when both are given. Implies -Test.

.EXAMPLE
    dotnet tool restore
    dotnet pwsh build.ps1 test

    Restores, builds in Release and runs every test.

.EXAMPLE
    dotnet pwsh build.ps1 -Test -Configuration Debug -Filter 'FullyQualifiedName~Stores'

.EXAMPLE
    dotnet pwsh build.ps1 test -Source /path/to/feed

    Also builds and tests the Duende adapter, whose packages come from the given feed.

.EXAMPLE
    dotnet pwsh build.ps1 pack

    Writes the .nupkg files to artifacts/packages.
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [Parameter(ValueFromRemainingArguments = $true)]
    [ValidateSet('restore', 'build', 'test', 'pack')]
    [string[]] $Verbs = @(),

    [switch] $Restore,
    [switch] $NoBuild,
    [switch] $Test,
    [switch] $Pack,
    [switch] $Integration,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string[]] $Source = @(),

    [string] $Filter
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# Exit codes of dotnet are checked by hand after each call.
$PSNativeCommandUseErrorActionPreference = $false

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'IdentityServer.Dcr.sln'
$Artifacts = Join-Path $RepoRoot 'artifacts'
$TestResults = Join-Path $Artifacts 'test-results'
$PackageOutput = Join-Path $Artifacts 'packages'
$FilterFile = Join-Path $Artifacts 'obj/IdentityServer.Dcr.filtered.slnf'
$NuGetOrg = 'https://api.nuget.org/v3/index.json'

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Host "> dotnet $($Arguments -join ' ')" -ForegroundColor DarkGray
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Get-RelativePath([string] $Path) {
    return [System.IO.Path]::GetRelativePath($RepoRoot, $Path).Replace('\', '/')
}

# Projects of the .sln as full paths (solution folders excluded).
function Get-SolutionProject {
    $solutionDir = Split-Path $Solution -Parent
    foreach ($line in Get-Content -LiteralPath $Solution) {
        if ($line -match '^Project\("\{[^}]+\}"\)\s*=\s*"[^"]*",\s*"([^"]+\.\w+proj)"') {
            [System.IO.Path]::GetFullPath((Join-Path $solutionDir ($Matches[1].Replace('\', '/'))))
        }
    }
}

function Test-SkipWhenUnrestorable([string] $ProjectPath) {
    [xml] $xml = Get-Content -Raw -LiteralPath $ProjectPath
    foreach ($node in $xml.SelectNodes("//*[local-name()='SkipWhenUnrestorable']")) {
        if ($node.InnerText.Trim() -eq 'true') {
            return $true
        }
    }
    return $false
}

function Get-ProjectReference([string] $ProjectPath) {
    [xml] $xml = Get-Content -Raw -LiteralPath $ProjectPath
    $projectDir = Split-Path $ProjectPath -Parent
    foreach ($node in $xml.SelectNodes("//*[local-name()='ProjectReference']")) {
        $include = $node.GetAttribute('Include')
        if ($include) {
            [System.IO.Path]::GetFullPath((Join-Path $projectDir ($include.Replace('\', '/'))))
        }
    }
}

# True when an earlier restore of the project succeeded (used with -NoBuild, which does not restore).
function Test-RestoredBefore([string] $ProjectPath) {
    $assets = Join-Path (Split-Path $ProjectPath -Parent) 'obj/project.assets.json'
    if (-not (Test-Path $assets)) {
        return $false
    }
    $json = Get-Content -Raw -LiteralPath $assets | ConvertFrom-Json
    $logs = if ($json.PSObject.Properties['logs']) { @($json.logs) } else { @() }
    return -not ($logs | Where-Object { $_.level -eq 'Error' })
}

# Returns the solution projects to leave out, after printing a NOTICE for each.
function Get-UnrestorableProject([string[]] $Projects, [string[]] $SourceArguments, [bool] $Probe) {
    $skipped = [System.Collections.Generic.List[string]]::new()
    foreach ($project in $Projects | Where-Object { Test-SkipWhenUnrestorable $_ }) {
        $relative = Get-RelativePath (Split-Path $project -Parent)
        if ($Probe) {
            Write-Host "Probing restore of $relative (SkipWhenUnrestorable)..."
            $output = & dotnet restore $project @SourceArguments --nologo 2>&1 | ForEach-Object { "$_" }
            $restored = $LASTEXITCODE -eq 0
        }
        else {
            $output = @()
            $restored = Test-RestoredBefore $project
        }
        if ($restored) {
            continue
        }
        $missing = @($output | Select-String -Pattern 'Unable to find package ([\w.\-]+)' -AllMatches |
                ForEach-Object { $_.Matches } | ForEach-Object { $_.Groups[1].Value.TrimEnd('.') } | Sort-Object -Unique)
        $notice = if ($missing.Count -gt 0) {
            "package(s) $($missing -join ', ') could not be restored from the configured sources; pass -Source <feed> with those packages to build it"
        }
        elseif ($Probe) {
            "its packages could not be restored from the configured sources (restore output below); pass -Source <feed> with those packages to build it"
        }
        else {
            "no successful restore of it was found and -NoBuild does not restore; run without -NoBuild (with -Source <feed> if it needs a private feed) to build it"
        }
        Write-Host "NOTICE: skipping ${relative}: $notice" -ForegroundColor Yellow
        if ($Probe -and $missing.Count -eq 0) {
            $output | Select-Object -Last 20 | ForEach-Object { Write-Host "    $_" }
        }
        $skipped.Add($project)
    }

    # Leave out whatever references a skipped project too: it could not be restored either.
    $changed = $skipped.Count -gt 0
    while ($changed) {
        $changed = $false
        foreach ($project in $Projects | Where-Object { $skipped -notcontains $_ }) {
            $blocker = Get-ProjectReference $project | Where-Object { $skipped -contains $_ } | Select-Object -First 1
            if ($blocker) {
                Write-Host "NOTICE: skipping $(Get-RelativePath (Split-Path $project -Parent)): it references $(Get-RelativePath (Split-Path $blocker -Parent)), which is skipped" -ForegroundColor Yellow
                $skipped.Add($project)
                $changed = $true
            }
        }
    }
    return $skipped.ToArray()
}

function New-SolutionFilter([string[]] $Projects) {
    $directory = Split-Path $FilterFile -Parent
    New-Item -ItemType Directory -Force -Path $directory | Out-Null
    $solutionDir = Split-Path $Solution -Parent
    $filter = [ordered]@{
        solution = [ordered]@{
            path     = [System.IO.Path]::GetRelativePath($directory, $Solution)
            projects = @($Projects | ForEach-Object { [System.IO.Path]::GetRelativePath($solutionDir, $_) })
        }
    }
    $filter | ConvertTo-Json -Depth 5 | Set-Content -Path $FilterFile -Encoding utf8NoBOM
    return $FilterFile
}

# Counts the results of every .trx file in the directory.
function Get-TestSummary([string] $Directory) {
    $summary = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($file in Get-ChildItem -Path $Directory -Filter '*.trx' -Recurse -ErrorAction SilentlyContinue) {
        [xml] $trx = Get-Content -Raw -LiteralPath $file.FullName
        foreach ($result in $trx.SelectNodes("//*[local-name()='Results']/*[local-name()='UnitTestResult']")) {
            switch ($result.GetAttribute('outcome')) {
                'Passed' { $summary.Passed++ }
                { $_ -in 'Failed', 'Error', 'Timeout', 'Aborted' } { $summary.Failed++ }
                default { $summary.Skipped++ }
            }
        }
    }
    return [pscustomobject] $summary
}

# --- which steps -------------------------------------------------------------------------------

$doTest = $Test -or $Integration -or [bool] $Filter -or $Verbs -contains 'test'
$doPack = $Pack -or $Verbs -contains 'pack'
$doBuild = $Verbs -contains 'build' -or $doTest -or $doPack -or (-not $Restore -and $Verbs.Count -eq 0)
$doRestore = $Restore -or $Verbs -contains 'restore'
if ($NoBuild) {
    $doBuild = $false
}
elseif ($doBuild) {
    $doRestore = $true
}

$sourceArguments = @()
if ($Source.Count -gt 0) {
    $feeds = [System.Collections.Generic.List[string]]::new()
    $feeds.Add($NuGetOrg)
    # From a shell, several feeds arrive as one 'a,b' or 'a;b' string: split them here.
    foreach ($feed in $Source -split '[,;]' | Where-Object { $_.Trim() } | ForEach-Object { $_.Trim() }) {
        # Local folders are made absolute so that they mean the same from any project directory.
        $resolved = if (Test-Path -LiteralPath $feed) { (Resolve-Path -LiteralPath $feed).ProviderPath } else { $feed }
        if (-not $feeds.Contains($resolved)) {
            $feeds.Add($resolved)
        }
    }
    $sourceArguments = @($feeds | ForEach-Object { '--source', $_ })
}

$timings = [ordered]@{}
$stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
function Complete-Step([string] $Name) {
    $timings[$Name] = $stopwatch.Elapsed.TotalSeconds
    $stopwatch.Restart()
}

# --- projects that may be skipped ----------------------------------------------------------------

$projects = @(Get-SolutionProject)
$skipped = @(Get-UnrestorableProject -Projects $projects -SourceArguments $sourceArguments -Probe $doRestore)
$target = $Solution
if ($skipped.Count -gt 0) {
    $target = New-SolutionFilter -Projects @($projects | Where-Object { $skipped -notcontains $_ })
    Write-Host "Using solution filter $(Get-RelativePath $target) ($($skipped.Count) project(s) skipped)."
}
elseif (Test-Path $FilterFile) {
    Remove-Item -Force $FilterFile
}
Complete-Step 'probe'

# --- restore / build -----------------------------------------------------------------------------

if ($doRestore) {
    Invoke-Dotnet (@('restore', $target, '--nologo') + $sourceArguments)
    Complete-Step 'restore'
}

if ($doBuild) {
    Invoke-Dotnet @('build', $target, '--configuration', $Configuration, '--no-restore', '--nologo')
    Complete-Step 'build'
}

# --- test ------------------------------------------------------------------------------------------

$testsFailed = $false
$summaryLine = $null
if ($doTest) {
    if (Test-Path $TestResults) {
        Remove-Item -Recurse -Force $TestResults
    }
    $testArguments = @(
        'test', $target,
        '--configuration', $Configuration,
        '--no-build', '--nologo',
        '--logger', 'console;verbosity=normal',
        '--logger', 'trx',
        '--results-directory', $TestResults
    )
    $filters = @()
    if ($Integration) {
        $filters += 'TestCategory=Integration'
    }
    if ($Filter) {
        $filters += $Filter
    }
    if ($filters.Count -eq 1) {
        $testArguments += @('--filter', $filters[0])
    }
    elseif ($filters.Count -gt 1) {
        $testArguments += @('--filter', (($filters | ForEach-Object { "($_)" }) -join '&'))
    }

    Write-Host "> dotnet $($testArguments -join ' ')" -ForegroundColor DarkGray
    & dotnet @testArguments
    $testExitCode = $LASTEXITCODE
    Complete-Step 'test'

    $counts = Get-TestSummary $TestResults
    $summaryLine = "$($counts.Passed) passed, $($counts.Failed) failed"
    if ($counts.Skipped -gt 0) {
        $summaryLine += ", $($counts.Skipped) skipped"
    }
    if ($testExitCode -ne 0) {
        Write-Host "dotnet test failed with exit code $testExitCode." -ForegroundColor Red
        $testsFailed = $true
    }
    if ($counts.Failed -gt 0) {
        $testsFailed = $true
    }
    if ($counts.Passed + $counts.Failed -eq 0) {
        Write-Host 'No test ran.' -ForegroundColor Red
        $testsFailed = $true
    }
}

# --- pack ------------------------------------------------------------------------------------------

if ($doPack -and -not $testsFailed) {
    Invoke-Dotnet @('pack', $target, '--configuration', $Configuration, '--no-build', '--nologo', '--output', $PackageOutput)
    Complete-Step 'pack'
    Write-Host "Packages: $(Get-RelativePath $PackageOutput)"
}

Write-Host ('Timings: ' + (($timings.GetEnumerator() | ForEach-Object { '{0} {1:0.0}s' -f $_.Key, $_.Value }) -join ', '))
if ($null -ne $summaryLine) {
    # CI reads this line: keep it last and alone on its line.
    Write-Host $summaryLine
}
if ($testsFailed) {
    exit 1
}
