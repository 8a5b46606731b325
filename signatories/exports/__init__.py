"""Every file of signatories we hand out, staff's and the public's, in one path: a row source
per audience (`staff`, `public`: which rows, which columns) and a writer per format (`csv`,
`json`, `xlsx`) that streams those rows. Writers know nothing of endorsements; row sources
know nothing of formats. (Model: pretix's base/exporter.py.)"""
