-- Scripts that LuaLibrariesTest runs with EVAL on Ferrite and on a real redis-server: the raw
-- replies must be identical. One script per block, blocks separated by a line "----". Each
-- script may call hex(s) (defined by the test). Errors are taken with a local assignment, not
-- "return f()": LuaJ runs a tail call outside the script's frame and loses the error position.
-- Left out on purpose (LuaJ differences, not the libraries'): maps of more than one key whose
-- order differs, NaN sign bits, -0.0 literals, numbers as redis.call arguments (7.0 writes
-- them with %.17g, 7.2 the shortest form).
----
return hex(cmsgpack.pack(0, -1, 127, 128, 255, 256, 65535, 65536, 2^31, 2^32, -2^31, -2^31-1, 2^53, -32, -33, -128, -129, -32768, -32769))
----
return hex(cmsgpack.pack(1.5, 0.1, 2^63, -2^63, 2^64, 1/0, -1/0, 1e300, 3.4e38, 1e-320, 2^-149, 2^-150, 16777217, 2^63 - 1024, -2^63 - 2048, 1e19))
----
return hex(cmsgpack.pack({}, {1,2,3}, {a=1}, {1,nil,3}, {[0]=1}, {[1.5]=1}, {[-1]=1}, {[2^31]=1}, {true, false}, 'x', nil))
----
return hex(cmsgpack.pack(string.rep('a',31), string.rep('b',32), string.rep('c',255), string.rep('d',256)))
----
return {#cmsgpack.pack(string.rep('a',65535)), #cmsgpack.pack(string.rep('a',65536)), hex(cmsgpack.pack(string.rep('a',65535)):sub(1,3)), hex(cmsgpack.pack(string.rep('a',65536)):sub(1,5))}
----
local t = {} for i=1,16 do t[i]=i end local u = {} for i=1,65536 do u[i]=0 end return {hex(cmsgpack.pack(t)), hex(cmsgpack.pack(u):sub(1,6)), #cmsgpack.pack(u)}
----
local t = {} t[1] = t return hex(cmsgpack.pack(t))
----
local t = {} for i=1,20 do t = {x=t} end return hex(cmsgpack.pack(t))
----
local a = {x=nil,y=5} local b = {x=a} a['x'] = b return hex(cmsgpack.pack(a))
----
return hex(cmsgpack.pack(cjson.null, redis.call, {f = redis.call}))
----
local r = cmsgpack.pack() return r
----
return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1,2}, -5, 2^40, true, false))}
----
local a, b, c = cmsgpack.unpack('\207\255\255\255\255\255\255\255\255\207\128\0\0\0\0\0\0\0\207\0\32\0\0\0\0\0\1') return {a, b == -2^63, c == 2^53}
----
return {cmsgpack.unpack('\208\128\209\128\0\210\128\0\0\0\206\255\255\255\255\205\255\255\204\200\211\255\255\255\255\255\255\255\254')}
----
local a, b = cmsgpack.unpack('\202\63\192\0\0\203\63\185\153\153\153\153\153\154') return {a == 1.5, b == 0.1}
----
return {cmsgpack.unpack('\217\3abc\218\0\2de\219\0\0\0\1f\163ghi')}
----
local r = cmsgpack.unpack('\196\1a') return r
----
local r = cmsgpack.unpack('\193') return r
----
local r = cmsgpack.unpack('\145') return r
----
local r = cmsgpack.unpack('\219\0\0\0\4abc') return r
----
local r = cmsgpack.unpack('\129\192\1') return r
----
local r = cmsgpack.unpack('\129\203\127\248\0\0\0\0\0\0\1') return r
----
return {cmsgpack.unpack_one('abc')}
----
return {cmsgpack.unpack_one('abc', 2)}
----
return {cmsgpack.unpack_one('abc', 3)}
----
local r = {cmsgpack.unpack_one('abc', 4)} return r
----
local r = {cmsgpack.unpack_one('abc', -1)} return r
----
return {cmsgpack.unpack_limit('abc', 2)}
----
return {cmsgpack.unpack_limit('abc', 0)}
----
return {cmsgpack.unpack_limit('abc', 0, 1)}
----
local r = {cmsgpack.unpack_limit('abc', -1)} return r
----
local r = {cmsgpack.unpack_limit('abc')} return r
----
local r = {cmsgpack.unpack_limit('abc', 'x')} return r
----
return {cmsgpack.unpack_limit('abc', '2')}
----
local r = {cmsgpack.unpack_one()} return r
----
return {cmsgpack.unpack(''), cmsgpack.unpack(12)}
----
local r = {cmsgpack.unpack({})} return r
----
local r = cmsgpack.unpack(cmsgpack.pack({a={b={c={1,2,{d='e'}}}}})) return r.a.b.c[3].d
----
local s = cmsgpack.pack({1, {2, {3}}, 'x', {a = 'b'}}) local off, v = cmsgpack.unpack_one(s .. s, 0) return {off, #s, v[2][2][1], v[4].a}
----
local t = {} for i = 1, 100 do t['k'..i] = i end local r = cmsgpack.unpack(cmsgpack.pack(t)) local n = 0 for k, v in pairs(r) do assert(t[k] == v) n = n + 1 end return n
----
local t = {} for i=1,8000 do t[i]=i end local ok, e = pcall(cmsgpack.unpack, cmsgpack.pack(unpack(t, 1, 4000))) return {ok and 1 or 0, e}
----
local t = {} for i=1,8000 do t[i]=i end t[4000] = {a={b=1}} return {pcall(cmsgpack.pack, unpack(t, 1, 4000))}
----
local t = {} for i=1,8000 do t[i]=i end t[3990] = {a={b={c={d={1}}}}} local ok, e = pcall(cmsgpack.pack, unpack(t, 1, 3990)) return {ok and 1 or 0, #e}
----
local ok, e = pcall(cmsgpack.unpack, string.rep('\1', 7999)) return {ok and 1 or 0, e}
----
local ok, e = pcall(cmsgpack.unpack, string.rep('\1', 8000)) return {ok and 1 or 0, e}
----
local ok, a, b = pcall(cmsgpack.unpack_one, string.rep('\1', 8000)) return {ok and 1 or 0, a, b}
----
local t = {} for i=1,8000 do t[i]=i end local s = cmsgpack.pack(unpack(t, 1, 4000)) s = s .. s return {pcall(cmsgpack.unpack_limit, s, 7999)}
----
local ok, e = pcall(cmsgpack.unpack, string.rep('\145', 3999) .. '\1') return {ok and 1 or 0, type(e) == 'string' and e or type(e)}
----
local ok, e = pcall(cmsgpack.unpack, string.rep('\145', 4000) .. '\1') return {ok and 1 or 0, type(e) == 'string' and e or type(e)}
----
local ok, e = pcall(cmsgpack.unpack, string.rep('\129\1', 2666) .. '\1') return {ok and 1 or 0, type(e) == 'string' and e or type(e)}
----
local ok, e = pcall(cmsgpack.unpack, string.rep('\129\1', 4000) .. '\1') return {ok and 1 or 0, type(e) == 'string' and e or type(e)}
----
return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}
----
return hex(struct.pack('bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 2^32-1))
----
return hex(struct.pack('>bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 2^32-1))
----
return hex(struct.pack('<i1i2i3i5i7i8i9i16i32', -1, -2, -3, -5, -7, -8, -9, -16, -32))
----
return hex(struct.pack('>i1i2i3i5i7i8i9i16i32', -1, -2, -3, -5, -7, -8, -9, -16, -32))
----
return hex(struct.pack('>I3I9I16', 2^24-1, 2^53, 2^63))
----
return hex(struct.pack('<LLLLL', 2^64, 2^65, 2^63, 2^64 - 2048, 1/0))
----
return hex(struct.pack('<lllll', -2^63, -2^64, 1/0, -1/0, -1.5))
----
return hex(struct.pack('<bbbi0', 300, -1.5, 1.9, 5))
----
return hex(struct.pack('fd>fd', 1.5, 0.1, -2.25, 1e300))
----
return hex(struct.pack('f', 1e300))
----
return hex(struct.pack('c5c0sc', 'abcdefg', 'abc\0def', 'abc\0def', 'xyz'))
----
local r = struct.pack('c5', 'ab') return r
----
local r = struct.pack('bc5', 1, 'ab') return r
----
return hex(struct.pack('!4 b i b h b d b l', 1, 2, 3, 4, 5, 6, 7, 8))
----
return hex(struct.pack('! b i b h b d b l', 1, 2, 3, 4, 5, 6, 7, 8))
----
return hex(struct.pack('!2 b i b h b d', 1, 2, 3, 4, 5, 6))
----
return hex(struct.pack('!8 b i3 b i5 b i6 b i7', 1, 2, 3, 4, 5, 6, 7, 8))
----
return hex(struct.pack('!16 b i16 b i12', 1, 2, 3, 4))
----
return hex(struct.pack('!8 b x c3 b s f', 1, 'abc', 2, 'q', 3))
----
local r = struct.pack('!3 b', 1) return r
----
local r = struct.pack('!0 b', 1) return r
----
return hex(struct.pack('!', 1))
----
local r = struct.pack('z', 1) return r
----
local r = struct.pack('b5', 1) return r
----
local r = struct.pack('i33', 1) return r
----
local r = struct.pack('i99999999999', 1) return r
----
local r = struct.pack('c2147483648', 'x') return r
----
local r = struct.pack('i') return r
----
local r = struct.pack('ii', 1) return r
----
local r = struct.pack('i', 'x') return r
----
local r = struct.pack('i', {}) return r
----
local r = struct.pack('c') return r
----
local r = struct.pack({}) return r
----
local r = struct.pack() return r
----
return hex(struct.pack('iii', '12', '0x10', ' 12 '))
----
return hex(struct.pack('c0c0c0c0c0c0c0', 12, 1.5, 1e15, 2^53, 1/3, 1e-5, 123456789012345678))
----
return hex(struct.pack('b\0z', 1) .. struct.pack('', 1))
----
return {struct.unpack('bBhHlLTiI', struct.pack('bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 2^32-1))}
----
return {struct.unpack('>bBhHlLTiI', struct.pack('>bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 2^32-1))}
----
local a, b, c, d = struct.unpack('<LlL', string.rep('\255', 24)) return {a == 2^64, b, c == 2^64, d}
----
local a, b = struct.unpack('>L', '\128\0\0\0\0\0\0\1') local c = struct.unpack('>l', '\128\0\0\0\0\0\0\1') return {a == 2^63, b, c == -2^63}
----
return {struct.unpack('<i16', string.rep('\255', 16))}
----
return {struct.unpack('>i16', string.rep('\255', 8) .. string.rep('\0', 8))}
----
return {struct.unpack('<i16', string.rep('\255', 8) .. string.rep('\0', 8))}
----
return {struct.unpack('<i9', '\1\2\3\4\5\6\7\8\255')}
----
return {struct.unpack('>I9', '\255\1\2\3\4\5\6\7\8')}
----
return {struct.unpack('<i3 >i3 i5', '\255\255\255\255\255\254\1\0\0\0\128')}
----
return {struct.unpack('i0', 'abc')}
----
local a, b, c = struct.unpack('fd', struct.pack('fd', 1.5, 0.1)) return {a == 1.5, b == 0.1, c}
----
local a, b, c = struct.unpack('>f>d', struct.pack('>f>d', -2.25, 1e300)) return {a == -2.25, b == 1e300, c}
----
local a = struct.unpack('f', struct.pack('f', 0.1)) return {a == 0.1, hex(struct.pack('>d', a))}
----
return {struct.unpack('c3c0', 'abc\0')}
----
return {struct.unpack('bc0b', '\3abcdef')}
----
return {struct.unpack('c1c0', '3abcd')}
----
local r = {struct.unpack('c0', 'abc')} return r
----
local r = {struct.unpack('xc0', 'abc')} return r
----
local r = {struct.unpack('c2c0', 'abc')} return r
----
local r = {struct.unpack('bc0', '\10abc')} return r
----
local r = {struct.unpack('bc0', '\255abc')} return r
----
return {struct.unpack('ss', 'ab\0cd\0e')}
----
local r = {struct.unpack('s', 'abc')} return r
----
return {struct.unpack('b', 'abc', 2), struct.unpack('b', 'abc', 3)}
----
local r = {struct.unpack('b', 'abc', 4)} return r
----
local r = {struct.unpack('b', 'abc', 0)} return r
----
local r = {struct.unpack('b', 'abc', -1)} return r
----
return {struct.unpack('', 'abc', -1), struct.unpack('', 'abc', 100), struct.unpack('>', 'abc', 4)}
----
local r = {struct.unpack('>', 'abc', 100)} return r
----
return {struct.unpack('b', 'abc', 2.9), struct.unpack('b', 'abc', '2'), struct.unpack('b', 'abc', nil)}
----
local r = {struct.unpack('b', 'abc', 'x')} return r
----
local r = {struct.unpack('i', 'abc')} return r
----
local r = {struct.unpack('z', 'abc')} return r
----
local r = {struct.unpack('z', '')} return r
----
local r = {struct.unpack('b')} return r
----
local r = {struct.unpack()} return r
----
return {struct.unpack('!4 b i b h', struct.pack('!4 b i b h', 1, 2, 3, 4))}
----
return {struct.unpack('!4 b d', struct.pack('!4 b d', 1, 2))}
----
return {struct.unpack('xxb', '\1\2\3'), struct.unpack('b', 12)}
----
return {struct.size('bBhHlLTiIfdx'), struct.size('!bBhHlLTiIfdx'), struct.size('!4 b d b i7 b c3 i'), struct.size('bzh'), struct.size('c10'), struct.size('i32i9'), struct.size('')}
----
local r = struct.size('b*h') return r
----
local r = struct.size('s') return r
----
local r = struct.size('c0') return r
----
local r = struct.size('!3') return r
----
local r = struct.size('i40') return r
----
local r = struct.size() return r
----
local t = {} for i = 1, 7997 do t[i] = 'b' end local ok, e = pcall(struct.unpack, table.concat(t), string.rep('\1', 7997)) return {ok and 1 or 0, type(e)}
----
local t = {} for i = 1, 7998 do t[i] = 'b' end local ok, e = pcall(struct.unpack, table.concat(t), string.rep('\1', 7998)) return {ok and 1 or 0, e}
----
local t = {} for i = 1, 7996 do t[i] = 'b' end local ok, e = pcall(struct.unpack, table.concat(t), string.rep('\1', 7997), 1) return {ok and 1 or 0, e}
----
return hex(struct.pack('c0', string.rep('a', 9000)):sub(1, 4))
----
local s = struct.pack('>I2c0 >i4', 5, 'hello', -7) return {hex(s), struct.unpack('>I2c0 >i4', s)}
----
struct.pack = nil
----
cmsgpack.unpack = nil
----
return {tostring(1/3), (2/3) .. '', string.format('%s', 1/7), tostring(0.1), tostring(0.1 + 0.2), tostring(-1.5e-7), tostring(123456.789)}
----
return {tostring(1e14), tostring(1e14 + 0.5), tostring(99999999999999.9), tostring(1e15), tostring(2^53), tostring(2^63), 2^31 .. '', -2^31 - 1 .. ''}
----
return {tostring(1e100), tostring(-1e100), tostring(1/0), tostring(-1/0), tostring(5e-324), tostring(1.7976931348623157e308), tostring(1e-4), tostring(1e-5)}
----
return {tostring(3.14159265358979), tostring(math.pi), tostring(-math.pi * 1e20), tostring(0.000123456789012345), tostring(12345678901234567890)}
----
local s = 0 for i = 1, 10 do s = s + i / 7 end local avg = s / 10 return {tostring(s), 'avg=' .. avg, table.concat({1.5, 2/3, 1e20, 7}, ',')}
----
local t = {} for i = 1, 20 do t[#t + 1] = tostring(2^(i * 3) / 3) end return table.concat(t, ' ')
----
local ok, err = pcall(error, 1/3) return {tostring(ok), tostring(err)}
----
return cjson.encode({avg = tostring(10/3), n = 10/3})
----
return {string.format('%.3f', 1/3), string.format('%f', 2/3), string.format('%.2f', 99.995), string.format('%.2f', 0.125), string.format('%.0f', 2.5), string.format('%.0f', 3.5), string.format('%.20f', 0.1)}
----
return {string.format('%e', 123456.789), string.format('%.0e', 5e-324), string.format('%E', 1e300), string.format('%.3e', 0), string.format('%#.0e', 12), string.format('%e', 1/0), string.format('%E', -1/0)}
----
return {string.format('%g', 1e20), string.format('%g', 100000), string.format('%g', 1000000), string.format('%g', 0.0001), string.format('%g', 0.00001234), string.format('%G', 1e-10), string.format('%#g', 1), string.format('%.1g', 0.95), string.format('%.17g', 0.1), string.format('%g', 0)}
----
return {string.format('[%10.2f]', -3.14159), string.format('[%-10.2f]', 3.14159), string.format('[%+.2f]', 2), string.format('[% .2f]', 2), string.format('[%010.3f]', -1.5), string.format('[%#.0f]', 7), string.format('[%-+12.4e]', 1234.5), string.format('[%8g]', 1/0), string.format('[%08.2f]', 1/0)}
----
local avg = (3 + 4 + 4) / 3 return string.format('avg=%.2f pct=%5.1f%% n=%d', avg, avg * 100 / 7, 3)
----
return {string.format('[%5d][%-5d][%05d][%+d][% d][%.3d][%8.3d][%08.3d]', 42, 42, -42, 42, 42, 7, -7, 7), string.format('%d %d %d %d', -0.5, 2^53, 2^63, -2^63)}
----
return {string.format('%x %X %#x %#X %#o %#o %#.5o %o', 255, 255, 255, 0, 8, 0, 8, 8), string.format('%x %u %u', -1, -1, 2^64)}
----
return {string.format('[%c][%3c][%-3c]', 65, 66, 67), string.format('[%5s][%-5s][%.2s][%5.1s][%10.4s]', 'ab', 'ab', 'abcdef', 'abc', 'abcdefgh'), string.format('[%s][%.1s]', 'a\0b', 'a\0b')}
----
return {string.format('%q', 'a\nb"c\\d\0e\rf'), string.format('%q %q', 1/3, 12), ('%d items'):format(3), string.format('%5.1f|%d', '3.14159', '0x10'), #string.format('%s', string.rep('x', 150)), string.format('%.3s', string.rep('x', 150))}
